# Confer API image: `docker compose up` (see docker-compose.yml) or
#   docker build -t confer . && docker run -p 127.0.0.1:8000:8000 -e CONFER_... confer
# At start the container runs `confer migrate`, then `confer serve --host 0.0.0.0 --port 8000`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user to run the service; the code stays owned by root, read-only to it.
RUN groupadd --system --gid 10001 confer \
    && useradd --system --uid 10001 --gid confer --home-dir /data --shell /usr/sbin/nologin confer \
    && mkdir -p /data \
    && chown confer:confer /data

# A regular (non-editable) install; the migrations ship inside the package (app/migrations).
COPY pyproject.toml README.md /src/
COPY app /src/app
RUN pip install /src \
    && rm -rf /src

COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh

# The working directory is writable by the service: without CONFER_DATABASE_URL
# (docker-compose.yml sets a PostgreSQL one) the default SQLite file lands here.
WORKDIR /data

USER 10001:10001

EXPOSE 8000

ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
