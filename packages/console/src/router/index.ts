import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { useSession } from '../stores/session.ts';
import { showError } from '../api/describe-error.ts';
import type { User } from '../api/types.ts';
import { homePage, mayOpen, pageAccess, type PageAccess } from '../access/pages.ts';
import AppLayout from '../layouts/AppLayout.vue';
import LoginView from '../views/LoginView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Served without log-in. */
    public?: boolean;
    /** Open while the password must still be changed or TOTP enrolled. */
    beforeSetup?: boolean;
    access?: PageAccess;
    /** i18n key of the page title. */
    title?: string;
    /** Full-screen page without the side menu (phone-sized pages). */
    bare?: boolean;
  }
}

const page = (name: keyof typeof pageAccess, path: string, component: RouteRecordRaw['component']): RouteRecordRaw => ({
  name,
  path,
  component: component!,
  meta: { access: pageAccess[name], title: `menu.${name}` },
});

const routes: RouteRecordRaw[] = [
  { name: 'login', path: '/login', component: LoginView, meta: { public: true, title: 'login.title' } },
  { name: 'password', path: '/password', component: () => import('../views/PasswordView.vue'), meta: { beforeSetup: true, title: 'password.title' } },
  { name: 'totp', path: '/totp', component: () => import('../views/TotpView.vue'), meta: { beforeSetup: true, title: 'totp.title' } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { name: 'home', path: '', component: () => import('../views/WelcomeView.vue'), meta: { title: 'menu.welcome' } },
      page('dashboard', 'dashboard', () => import('../views/DashboardView.vue')),
      page('map', 'map', () => import('../views/LiveMapView.vue')),
      page('track', 'track', () => import('../views/TrackView.vue')),
      page('registration', 'rollout/registration', () => import('../views/rollout/RegistrationView.vue')),
      page('reviews', 'rollout/reviews', () => import('../views/rollout/ReviewsView.vue')),
      page('workOrders', 'rollout/work-orders', () => import('../views/rollout/WorkOrdersView.vue')),
      page('acceptance', 'rollout/acceptance', () => import('../views/rollout/AcceptanceView.vue')),
      page('bulletins', 'rollout/bulletins', () => import('../views/rollout/BulletinsView.vue')),
      page('inspections', 'rollout/inspections', () => import('../views/rollout/InspectionsView.vue')),
      // The installer's work order has its own address, so that the phone's back button returns to the list.
      { name: 'workOrder', path: 'rollout/work-orders/:id(\\d+)', component: () => import('../views/rollout/WorkOrdersView.vue'), meta: { access: pageAccess.workOrders, title: 'menu.workOrder' } },
      page('batches', 'rollout/batches', () => import('../views/rollout/BatchesView.vue')),
      page('audit', 'audit', () => import('../views/AuditView.vue')),
      page('users', 'users', () => import('../views/UsersView.vue')),
      page('registry', 'registry', () => import('../views/registry/RegistryView.vue')),
      page('alerts', 'alerts', () => import('../views/alerts/AlertsView.vue')),
      { name: 'alert', path: 'alerts/:id(\\d+)', component: () => import('../views/alerts/AlertDetailView.vue'), meta: { access: pageAccess.alerts, title: 'menu.alert' } },
      page('places', 'places', () => import('../views/places/PlacesView.vue')),
      page('orders', 'orders', () => import('../views/orders/OrdersView.vue')),
      page('drivers', 'drivers', () => import('../views/orders/DriversView.vue')),
      page('duty', 'duty', () => import('../views/orders/DutyView.vue')),
      page('calendar', 'calendar', () => import('../views/calendar/CalendarView.vue')),
      page('rules', 'rules', () => import('../views/rules/RulesView.vue')),
      page('trips', 'trips', () => import('../views/rules/TripsView.vue')),
      page('security', 'security', () => import('../views/security/SecurityView.vue')),
      { name: 'notFound', path: ':path(.*)*', component: () => import('../views/NotFoundView.vue'), meta: { title: 'notFound' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

/** Decides where a navigation goes: log-in, forced set-up steps, the role's home page, or the page asked for. */
async function guard(to: RouteLocationNormalized) {
  const session = useSession();
  let user: User | null;
  try {
    user = await session.load();
  } catch (error) {
    // The server is unreachable or failing: the log-in page can still open and says so on log-in.
    showError(error);
    return to.meta.public ? true : { name: 'login' };
  }
  if (to.meta.public) return user && to.name === 'login' ? { name: 'home' } : true;
  if (!user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (session.mustChangePassword) return to.name === 'password' ? true : { name: 'password' };
  if (session.mustEnrolTotp) return to.name === 'totp' ? true : { name: 'totp' };
  if (to.meta.beforeSetup) return { name: 'home' };
  if (to.name === 'home') {
    const home = homePage(user.role);
    return home === 'welcome' ? true : { name: home };
  }
  if (to.meta.access && !mayOpen(user.role, to.meta.access)) return { name: 'home' };
  return true;
}

router.beforeEach(guard);
