// Mounts a front end: the data-fetching cache and the router at its base path.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import './style.css';

export function mount(base: string, app: ReactNode) {
  const queries = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
  });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <Router base={base}>{app}</Router>
      </QueryClientProvider>
    </StrictMode>,
  );
}
