// Each import registers one command with defineCommand().
import './serve.ts';
import './simulate.ts';
import './replay.ts';
import './registry-import.ts';
import './user.ts';
import './audit.ts';
import './retention.ts';
import './keys.ts';
import './rollout.ts';
import './exchange.ts';
import './places.ts';
import './orders.ts';
import './rules.ts';
