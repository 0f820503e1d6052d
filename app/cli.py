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
        settings = get_settings()
        engine = make_engine(settings.migration_database_url or settings.database_url)
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
    from app.checkpoint import generate_signing_key

    os.environ.setdefault("CONFER_AUDIT_SIGNING_KEY", generate_signing_key())
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


def _audit(action: str, checkpoint_file: str | None) -> int:
    from app.checkpoint import Checkpoint
    from app.config import get_settings
    from app.db import make_engine, make_sessionmaker
    from app.services import audit_chain, checkpoints

    settings = get_settings()

    async def run() -> int:
        engine = make_engine(settings.database_url)
        maker = make_sessionmaker(engine)
        try:
            async with maker() as session:
                if action == "seal":
                    sealed = await audit_chain.seal(session)
                    await session.commit()
                    print(f"sealed {sealed} entries")
                    return 0
                if action == "checkpoint":
                    cp = await checkpoints.create_checkpoint(session, settings)
                    await session.commit()
                    text = cp.to_json()
                    if checkpoint_file:
                        Path(checkpoint_file).write_text(text + "\n")  # noqa: ASYNC240 (CLI)
                    print(text)
                    return 0
                report = await audit_chain.verify(session)
                print(
                    json.dumps(
                        {
                            "ok": report.ok,
                            "entries_checked": report.entries_checked,
                            "awaiting_seal": report.awaiting_seal,
                            "first_broken_seq": report.first_broken_seq,
                            "first_broken_entry_id": report.first_broken_entry_id,
                            "problem": report.problem,
                        }
                    )
                )
                if checkpoint_file:
                    saved = Path(checkpoint_file).read_text()  # noqa: ASYNC240 (CLI)
                    cp = Checkpoint.from_json(saved)
                    problem = await checkpoints.matches_log(session, settings, cp)
                    print(json.dumps({"checkpoint": checkpoint_file, "problem": problem}))
                    if problem:
                        return 1
                return 0 if report.ok else 1
        finally:
            await engine.dispose()

    return asyncio.run(run())


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
    audit = sub.add_parser("audit", help="seal, verify or checkpoint the audit chain")
    audit.add_argument("action", choices=["verify", "seal", "checkpoint"])
    audit.add_argument(
        "--checkpoint", help="verify: compare with this saved checkpoint; checkpoint: write it here"
    )
    sub.add_parser("keygen", help="print a new Ed25519 key for CONFER_AUDIT_SIGNING_KEY")
    export = sub.add_parser("export-openapi", help="write the OpenAPI document")
    export.add_argument("--out", default="openapi/openapi.json")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        _migrate()
    elif args.command == "serve":
        _serve(args.host, args.port, args.workers)
    elif args.command == "demo":
        _demo(args.host, args.port, args.db)
    elif args.command == "audit":
        sys.exit(_audit(args.action, args.checkpoint))
    elif args.command == "keygen":
        from app.checkpoint import generate_signing_key

        print(generate_signing_key())
    elif args.command == "export-openapi":
        _export_openapi(args.out)


if __name__ == "__main__":
    main()
