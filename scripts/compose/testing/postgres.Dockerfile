# Test stand-in for the official postgres image (Docker Hub is out of reach in CI): Debian's PostgreSQL on
# the local Debian base, honouring POSTGRES_PASSWORD and POSTGRES_DB and answering pg_isready like it.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
# The user first: the package's own adduser call runs chfn, which the local base image's PAM refuses.
RUN groupadd -r postgres && useradd -r -g postgres -d /var/lib/postgresql -s /bin/bash postgres \
 && mkdir -p /var/lib/postgresql && chown postgres:postgres /var/lib/postgresql
RUN apt-get update && apt-get install -y --no-install-recommends postgresql \
 && rm -rf /var/lib/apt/lists/* && ln -s /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl \
      /usr/lib/postgresql/*/bin/postgres /usr/local/bin/
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
ENV PGDATA=/var/lib/postgresql/data PGPORT=5432
CMD ["sh", "/usr/local/bin/postgres-entrypoint.sh"]
