// An API's reference, rendered from its OpenAPI document by Swagger UI: a React component, its stylesheet a
// file of its own and no inline script or eval, so it runs under the portal's Content-Security-Policy. Loaded
// with this module only (React.lazy from the API page), so the console's and the portal's first load stay small.
// Its "Try it out" calls go through this gateway's data plane with the consumer's credential from try-it.
import 'swagger-ui-react/swagger-ui.css';
import './api-reference.css';
import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import SwaggerUI from 'swagger-ui-react';
import { admin, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import type { Credential } from './try-it.js';

export default function ApiReference({
  apiId,
  callUrl,
  credential,
}: {
  apiId: string;
  callUrl: string;
  credential: Credential;
}) {
  const spec = useQuery({
    queryKey: ['catalog-spec', apiId],
    queryFn: async () =>
      ok(await admin.GET('/admin/v1/catalog/{id}/spec', { params: { path: { id: apiId } } })),
  });
  // Swagger UI keeps the interceptor it was first given; it reads the credential typed since through this ref.
  const current = useRef(credential);
  current.current = credential;
  if (!spec.data) return <Problem error={spec.error} />;
  // The document describes the upstream; consumers reach it through the gateway at the API's call URL.
  const document = { ...spec.data, servers: [{ url: callUrl, description: 'through the gateway' }] };
  return (
    <div className="reference">
      <SwaggerUI
        spec={document}
        tryItOutEnabled={false}
        defaultModelsExpandDepth={-1}
        requestInterceptor={(req) => {
          const { header, value } = current.current;
          if (header && value) (req.headers as Record<string, string>)[header] = value;
          return req;
        }}
      />
    </div>
  );
}
