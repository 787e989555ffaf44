import { createApp } from 'vue';
import { createPinia } from 'pinia';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { i18n } from './i18n/index.ts';
import { router } from './router/index.ts';
import { onApiError } from './api/http.ts';
import { useSession } from './stores/session.ts';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router).use(ElementPlus);

// A session that ended on the server (idle timeout, log-out elsewhere, password reset) sends the
// user back to log-in; a password change or TOTP enrolment required by the server sends them there.
onApiError((error) => {
  const session = useSession(pinia);
  const current = router.currentRoute.value;
  if (error.status === 401 && !current.meta.public) {
    session.forget();
    void router.push({ name: 'login', query: { redirect: current.fullPath } });
  } else if (error.code === 'GONGCHE_ERR_PASSWORD_CHANGE_REQUIRED' && session.user) {
    session.user.mustChangePassword = true;
    void router.push({ name: 'password' });
  } else if (error.code === 'GONGCHE_ERR_TOTP_ENROLMENT_REQUIRED') {
    session.mustEnrolTotp = true;
    void router.push({ name: 'totp' });
  }
});

document.documentElement.lang = i18n.global.locale.value;
app.mount('#app');
