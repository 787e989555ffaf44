/**
 * Simplified Chinese messages of the security administrator's page: data keys, second factors
 * and the security settings in force. Merged into the console's messages in ../index.ts, and
 * en/security.ts has the same keys.
 */
export default {
  menu: { security: '安全管理' },
  security: {
    keys: {
      title: '数据密钥', rotate: '立即轮换', algorithm: '新密钥算法', period: '轮换周期', periodDays: '{days} 天',
      masterKey: '主密钥指纹', masterSource: '主密钥来源', besideDatabase: '主密钥与数据库存放在同一目录，复制该目录即可解密全部数据。生产环境请将主密钥放在其他存储卷，并设置 GONGCHE_MASTER_KEY_FILE。',
      id: '编号', created: '创建时间', state: '状态', active: '使用中', retired: '已停用', retiredAt: '停用时间', due: '到期轮换',
      overdue: '已到期，下次写入时自动轮换', opens: '主密钥可解开', opensYes: '正常', opensNo: '无法解开',
      notOpened: '当前主密钥无法解开 {count} 个数据密钥：由它们加密的数据无法读取。请用封装这些密钥的主密钥重启平台。',
      none: '尚无数据密钥：平台首次加密数据时自动创建。',
      confirmRotate: '轮换后，新的定位、原始报文和双因素密钥使用新数据密钥加密；当前密钥停用，但仍用于读取它加密过的数据，已有数据不受影响。此操作记入审计日志。确定立即轮换？',
      rotated: '已创建数据密钥 {id}，密钥 {previous} 已停用',
      rotatedFirst: '已创建数据密钥 {id}',
    },
    factors: {
      title: '双因素认证', username: '用户名', displayName: '姓名', role: '角色', totp: '双因素认证', enabled: '已启用', notEnabled: '未启用',
      pending: '待启用（必须）', accountDisabled: '已停用', lockedUntil: '锁定至 {time}', lastLogin: '最近登录', never: '从未登录', reset: '重置',
      resetTitle: '重置双因素认证',
      confirmReset: '重置后，用户 {name} 的双因素认证密钥被删除，其所有会话立即结束；该用户下次登录后必须重新绑定身份验证器才能继续使用。此操作记入审计日志。确定重置？',
      resetDone: '已重置用户 {name} 的双因素认证',
      self: '本人',
    },
    settings: {
      title: '现行安全设置', password: '口令策略',
      passwordRule: '至少 {length} 位，包含小写字母、大写字母、数字、符号中的至少 {classes} 类', notUsername: '不得与用户名相同',
      maxAge: '口令有效期', maxAgeDays: '{days} 天，过期后登录须修改', noExpiry: '不过期',
      sessionIdle: '会话空闲超时', sessionMax: '会话最长时间', lockout: '登录失败锁定', lockoutRule: '连续 {count} 次失败后锁定 {duration}',
      rateLimit: '登录频率限制', rateLimitRule: '每个 IP 地址每 {window} 最多 {max} 次',
      totpRoles: '必须启用双因素认证的角色', totpParameters: '动态码参数', totpRule: 'TOTP（RFC 6238），{digits} 位，每 {step} 秒更新，允许前后 {window} 个时间步的时钟偏差',
      encryption: '存储加密算法', keyPeriod: '数据密钥轮换周期',
    },
    algorithms: { 'sm4-ctr-hmac-sm3': 'SM4-CTR + HMAC-SM3（国密）', 'aes-256-gcm': 'AES-256-GCM' },
    duration: { seconds: '{count} 秒', minutes: '{count} 分钟', hours: '{count} 小时', days: '{count} 天' },
  },
  errors: {
    GONGCHE_ERR_MASTER_KEY_MISMATCH: '平台当前的主密钥不是封装数据密钥时所用的主密钥，请联系安全管理员',
    GONGCHE_ERR_KEY_UNKNOWN: '数据所用的数据密钥不存在，请联系安全管理员',
  },
} as const;
