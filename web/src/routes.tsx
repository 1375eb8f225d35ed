import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Spin } from 'antd';
import { useSession } from './session';
import { Shell } from './Shell';
import { LoginPage } from './pages/Login';
import { WorklistPage } from './pages/Worklist';

// The heavy parts (charts, the rule editor, the diagram) load only when their page is opened.
const ItemPage = lazy(() => import('./pages/Item'));
const RegisterPage = lazy(() => import('./pages/Register'));
const CampaignsPage = lazy(() => import('./pages/Campaigns'));
const DashboardPage = lazy(() => import('./pages/Dashboard'));
const EscalationsPage = lazy(() => import('./pages/Escalations'));
const LedgersPage = lazy(() => import('./pages/Ledgers'));
const RulesPage = lazy(() => import('./pages/Rules'));
const AuditPage = lazy(() => import('./pages/Audit'));
const ItemsPage = lazy(() => import('./pages/Items'));
const InboxPage = lazy(() => import('./pages/Inbox'));

function Home() {
  const { user } = useSession();
  if (!user) return <Navigate to="/login" replace />;
  return (
    <Navigate
      to={user.role === 'auditor' ? '/audit' : user.role === 'supervisor' ? '/campaigns' : '/worklist'}
      replace
    />
  );
}

function RequireUser({ children }: { children: React.ReactNode }) {
  const { user, checking } = useSession();
  const location = useLocation();
  if (checking) return <Spin fullscreen tip="正在加载…" />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

const loading = <Spin style={{ display: 'block', margin: 48 }} />;

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireUser>
            <Shell />
          </RequireUser>
        }
      >
        <Route index element={<Home />} />
        <Route path="worklist" element={<WorklistPage />} />
        <Route
          path="items"
          element={
            <Suspense fallback={loading}>
              <ItemsPage />
            </Suspense>
          }
        />
        <Route
          path="inbox"
          element={
            <Suspense fallback={loading}>
              <InboxPage />
            </Suspense>
          }
        />
        <Route
          path="items/:id"
          element={
            <Suspense fallback={loading}>
              <ItemPage />
            </Suspense>
          }
        />
        <Route
          path="register"
          element={
            <Suspense fallback={loading}>
              <RegisterPage />
            </Suspense>
          }
        />
        <Route
          path="campaigns"
          element={
            <Suspense fallback={loading}>
              <CampaignsPage />
            </Suspense>
          }
        />
        <Route
          path="campaigns/:id"
          element={
            <Suspense fallback={loading}>
              <DashboardPage />
            </Suspense>
          }
        />
        <Route
          path="escalations"
          element={
            <Suspense fallback={loading}>
              <EscalationsPage />
            </Suspense>
          }
        />
        <Route
          path="ledgers"
          element={
            <Suspense fallback={loading}>
              <LedgersPage />
            </Suspense>
          }
        />
        <Route
          path="rules"
          element={
            <Suspense fallback={loading}>
              <RulesPage />
            </Suspense>
          }
        />
        <Route
          path="audit"
          element={
            <Suspense fallback={loading}>
              <AuditPage />
            </Suspense>
          }
        />
        <Route
          path="audit/:streamId"
          element={
            <Suspense fallback={loading}>
              <AuditPage />
            </Suspense>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
