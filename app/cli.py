"""The `confer` command: migrate, serve, demo, export-openapi."""

import argparse
import asyncio
import json
import os
import secrets
import sys
from pathlib import Path


def _migrate() -> None:
    from app.config import get_settings
    from app.db import make_engine
    from app.migrate import upgrade

    async def run() -> None:
        engine = make_engine(get_settings().database_url)
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(run())
    print("database migrated", file=sys.stderr)


def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "app.asgi:app", host=host, port=port, workers=workers, proxy_headers=False, access_log=False
    )


def _demo(host: str, port: int, db_path: str) -> None:
    """A throwaway SQLite database with the ten case examples, fresh secrets, then serve."""
    # Secrets for this demo run only, made here and never written to the repository.
    for name in ("CONFER_API_KEY_PEPPER", "CONFER_TOKEN_SECRET", "CONFER_BOOTSTRAP_ADMIN_KEY"):
        os.environ.setdefault(name, secrets.token_urlsafe(32))
    path = Path(db_path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.environ["CONFER_DATABASE_URL"] = f"sqlite+aiosqlite:///{path}"
    os.environ.setdefault("CONFER_PUBLIC_BASE_URL", f"http://{host}:{port}")
    from app.config import get_settings
    from app.demo.loader import load_demo, print_welcome

    get_settings.cache_clear()
    _migrate()
    credentials = asyncio.run(load_demo(get_settings()))
    print_welcome(credentials, f"http://{host}:{port}")
    _serve(host, port, 1)


def _export_openapi(out: str) -> None:
    from app.openapi_export import openapi_document

    Path(out).write_text(json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {out}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="confer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the database migrations")
    serve = sub.add_parser("serve", help="serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    demo = sub.add_parser("demo", help="serve on SQLite with the ten case examples loaded")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--db", default="confer-demo.db")
    export = sub.add_parser("export-openapi", help="write the OpenAPI document")
    export.add_argument("--out", default="openapi/openapi.json")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        _migrate()
    elif args.command == "serve":
        _serve(args.host, args.port, args.workers)
    elif args.command == "demo":
        _demo(args.host, args.port, args.db)
    elif args.command == "export-openapi":
        _export_openapi(args.out)


if __name__ == "__main__":
    main()
