"""Backup, restore and the ledger's fingerprint (PostgreSQL only).

A backup is a folder of three files:
- database.dump: `pg_dump --format=custom` of the DATABASE_URL database;
- media.tar: every file under MEDIA_ROOT (the evidence uploads);
- manifest.json: when, which versions, the migration heads, each file's SHA-256, and the ledger's
  fingerprint.

The fingerprint — every table's row count, a content hash of the domain tables and a hash of the
media files — is taken in the very snapshot pg_dump exports: one REPEATABLE READ transaction calls
pg_export_snapshot() and pg_dump runs with --snapshot, so what the manifest promises is exactly
what the dump holds, however busy the server is. A restore recomputes the fingerprint on the
restored database and media and fails loudly when it differs.

Media files are not transactional: they are archived after the snapshot is taken, so every file a
row of the snapshot names was already written (a file is stored before its row commits). A file a
row names but that is missing from MEDIA_ROOT is listed in the manifest and reported.
"""

import hashlib
import json
import os
import platform
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import django
import psycopg2
from django.apps import apps
from django.conf import settings
from django.db import connections, models
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from psycopg2 import sql
from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ, make_dsn

FORMAT = 1
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar"
MANIFEST_NAME = "manifest.json"
# The ledger itself: whose rows are hashed, not only counted. Everything else (sessions, login
# attempts, the beat schedule …) is counted.
THIRD_PARTY_DOMAIN_APPS = ("auditlog",)  # who changed the plan is part of the record
# Row text must not depend on the session's settings: the same rows hash alike on any server.
SESSION_SETTINGS = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator, in Chinese."""


# ---- connections ------------------------------------------------------------------------


def _settings_dict(alias: str = "default") -> dict:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise BackupError(
            f"备份、恢复与台账指纹只支持 PostgreSQL,当前数据库是 {connection.vendor}"
            "(DATABASE_URL 未指向 PostgreSQL)。开发用的 SQLite 数据库请直接复制 var/reform.sqlite3 文件。"
        )
    return connection.settings_dict


def _libpq_params(settings_dict: dict) -> dict:
    params = {"dbname": settings_dict["NAME"], **settings_dict.get("OPTIONS", {})}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    # Options psycopg2 takes but libpq does not.
    for key in ("isolation_level", "assume_role", "server_side_binding", "pool", "cursor_factory"):
        params.pop(key, None)
    return params


def _connect(settings_dict: dict):
    connection = psycopg2.connect(**_libpq_params(settings_dict))
    connection.autocommit = True
    with connection.cursor() as cursor:
        for name, value in SESSION_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    return connection


def _client_env(settings_dict: dict) -> tuple[str, dict]:
    """A connection string without the password (it goes through the environment, not `ps`)."""
    params = _libpq_params(settings_dict)
    password = params.pop("password", None)
    env = {**os.environ, "LC_MESSAGES": "C", "LANG": "C"}
    if password:
        env["PGPASSWORD"] = password
    return make_dsn(**params), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}:请安装 PostgreSQL 客户端(Debian: apt-get install postgresql-client),"
            "版本不低于数据库服务器。"
        )
    return path


# ---- the fingerprint --------------------------------------------------------------------


def domain_apps() -> list[str]:
    """The project's own apps (any app added later included) and the audit log."""
    own = [c.label for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]
    return own + list(THIRD_PARTY_DOMAIN_APPS)


def domain_tables() -> set[str]:
    """The tables of the ledger's apps, many-to-many tables included."""
    tables = set()
    for label in domain_apps():
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return tables


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [name for (name,) in cursor.fetchall()]


def database_fingerprint(cursor, progress: Progress | None = None) -> dict:
    """{table: {"rows": n[, "hash": md5]}} for every table of the current schema, read through
    `cursor` (inside its transaction's snapshot). A domain table's hash covers every row's text,
    independent of the order rows are stored in."""
    hashed = domain_tables()
    tables = _tables(cursor)
    result = {}
    for number, table in enumerate(tables, 1):
        name = sql.Identifier(table)
        if table in hashed:
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
                    "FROM (SELECT md5(t::text) AS h FROM {} t) rows"
                ).format(name)
            )
            count, digest = cursor.fetchone()
            result[table] = {"rows": count, "hash": digest}
        else:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(name))
            result[table] = {"rows": cursor.fetchone()[0]}
        if progress and (number % 10 == 0 or number == len(tables)):
            progress(f"  指纹:已读 {number}/{len(tables)} 张表")
    return result


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(posix path relative to root, path) of every regular file under root, in a fixed order."""
    if not root.exists():
        return
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


class MediaHasher:
    """The media part of a fingerprint: files, bytes, and a hash over (path, size, SHA-256)."""

    def __init__(self):
        self.files = 0
        self.bytes = 0
        self._digest = hashlib.sha256()

    def add(self, name: str, size: int, sha256: str) -> None:
        self.files += 1
        self.bytes += size
        self._digest.update(f"{name}\t{size}\t{sha256}\n".encode())

    def result(self) -> dict:
        return {"files": self.files, "bytes": self.bytes, "hash": self._digest.hexdigest()}


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_fingerprint(root: Path, progress: Progress | None = None) -> dict:
    hasher = MediaHasher()
    for name, path in _media_files(root):
        hasher.add(name, path.stat().st_size, _sha256_of(path))
        if progress and hasher.files % 500 == 0:
            progress(f"  指纹:已读 {hasher.files} 个文件")
    return hasher.result()


def _with_digest(tables: dict, media: dict) -> dict:
    body = {"tables": tables, "media": media}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return {"digest": digest, **body}


def fingerprint(progress: Progress | None = None, alias: str = "default") -> dict:
    """The ledger's fingerprint as it is now: the database (one snapshot) and MEDIA_ROOT."""
    connection = _connect(_settings_dict(alias))
    try:
        connection.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True, autocommit=False)
        with connection.cursor() as cursor:
            tables = database_fingerprint(cursor, progress)
        connection.rollback()
    finally:
        connection.close()
    return _with_digest(tables, media_fingerprint(Path(settings.MEDIA_ROOT), progress))


def differences(expected: dict, actual: dict) -> list[str]:
    """What differs between two fingerprints, in words."""
    lines = []
    for table in sorted(set(expected["tables"]) | set(actual["tables"])):
        want, got = expected["tables"].get(table), actual["tables"].get(table)
        if want == got:
            continue
        if want is None or got is None:
            lines.append(f"表 {table}:{'多出' if want is None else '缺少'}")
        elif want["rows"] != got["rows"]:
            lines.append(f"表 {table}:应有 {want['rows']} 行,实有 {got['rows']} 行")
        else:
            lines.append(f"表 {table}:行数相同({got['rows']} 行)但内容不同")
    want, got = expected["media"], actual["media"]
    if want != got:
        lines.append(
            f"上传文件:应有 {want['files']} 个({want['bytes']} 字节),实有 {got['files']} 个({got['bytes']} 字节)"
            + ("" if want["files"] != got["files"] else ",内容不同")
        )
    return lines


# ---- versions and migrations ------------------------------------------------------------


def migration_heads() -> dict[str, list[str]]:
    """The latest migration of every app, as this code has them."""
    heads: dict[str, list[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes():
        heads.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(heads.items())}


def _applied(cursor) -> set[tuple[str, str]]:
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return set()
    cursor.execute("SELECT app, name FROM django_migrations")
    return set(cursor.fetchall())


def _code_version() -> str:
    root = Path(settings.BASE_DIR)
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def _tool_version(path: str) -> str:
    return subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout.strip()


# ---- backup -----------------------------------------------------------------------------


@dataclass
class BackupResult:
    folder: Path
    manifest: dict


def _empty_folder(folder: Path, what: str) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{what} {folder} 不是目录。")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{what} {folder} 不是空的,不会覆盖其中的文件:请指定一个新的或空的目录。")


def _run_client(command: list[str], env: dict, label: str, total: int, progress: Progress) -> None:
    """Run pg_dump / pg_restore --verbose, turning its per-table lines into progress; on failure
    raise with the tool's own last words."""
    markers = ("dumping contents of table", "processing data for table")
    done, tail = 0, []
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        line = line.rstrip()
        tail = [*tail[-19:], line]
        if any(marker in line for marker in markers):
            done += 1
            table = line.rsplit('"', 2)[-2] if line.count('"') >= 2 else line
            progress(f"  {label} {done}/{total}:{table}")
    if process.wait() != 0:
        errors = [line for line in tail if "error" in line.lower()] or tail[-5:]
        raise BackupError(f"{Path(command[0]).name} 失败(退出码 {process.returncode}):\n" + "\n".join(errors))


def backup(folder: Path, progress: Progress) -> BackupResult:
    """Write a backup into `folder` (new or empty). The manifest is written last: a folder without
    one is an unfinished backup; a failed backup removes the files it wrote."""
    settings_dict = _settings_dict()
    pg_dump = _tool("pg_dump")
    _empty_folder(folder, "备份目录")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _backup(folder, settings_dict, pg_dump, progress)
    except BaseException:
        for name in (MANIFEST_NAME, DUMP_NAME, MEDIA_NAME):
            (folder / name).unlink(missing_ok=True)
        raise


def _backup(folder: Path, settings_dict: dict, pg_dump: str, progress: Progress) -> BackupResult:
    started = time.monotonic()
    dsn, env = _client_env(settings_dict)
    dump_path, media_path = folder / DUMP_NAME, folder / MEDIA_NAME
    connection = _connect(settings_dict)
    try:
        connection.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True, autocommit=False)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            taken_at = timezone.localtime()
            table_count = len(_tables(cursor))
            progress(f"1/4 导出数据库 {settings_dict['NAME']}(快照 {snapshot},{table_count} 张表)")
            command = [pg_dump, "--format=custom", "--verbose", f"--snapshot={snapshot}", f"--file={dump_path}", dsn]
            _run_client(command, env, "导出", table_count, progress)
            progress(f"  数据库导出完成:{_size(dump_path)}")
            progress("2/4 计算台账指纹(与导出同一快照)")
            tables = database_fingerprint(cursor, progress)
            applied = _applied(cursor)
            referenced = _referenced_files(cursor)
        connection.rollback()
    finally:
        connection.close()

    progress(f"3/4 打包上传文件 {settings.MEDIA_ROOT}")
    media, missing = _write_media_tar(Path(settings.MEDIA_ROOT), media_path, referenced, progress)
    if missing:
        progress(f"  警告:数据库记录的 {len(missing)} 个文件在 MEDIA_ROOT 中不存在,已记入清单:{', '.join(missing[:5])}")

    progress("4/4 写入清单 manifest.json")
    heads = migration_heads()
    manifest = {
        "format": FORMAT,
        "created_at": taken_at.isoformat(),
        "database": settings_dict["NAME"],
        "versions": {
            "reform": _code_version(),
            "django": django.get_version(),
            "python": platform.python_version(),
            "postgresql": server_version,
            "pg_dump": _tool_version(pg_dump),
        },
        "migrations": {
            "heads": heads,
            "unapplied": sorted(
                f"{app}.{name}" for app, names in heads.items() for name in names if (app, name) not in applied
            ),
        },
        "files": {DUMP_NAME: _file_entry(dump_path), MEDIA_NAME: _file_entry(media_path)},
        "missing_media": missing,
        "fingerprint": _with_digest(tables, media),
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    digest = manifest["fingerprint"]["digest"]
    progress(f"备份完成:{folder}(用时 {time.monotonic() - started:.1f} 秒,指纹 {digest[:16]}…)")
    return BackupResult(folder, manifest)


def _referenced_files(cursor) -> set[str]:
    """Every file a row names (FileField values), read in the backup's snapshot."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                query = sql.SQL("SELECT {col} FROM {table} WHERE {col} <> ''").format(
                    col=sql.Identifier(field.column), table=sql.Identifier(model._meta.db_table)
                )
                cursor.execute(query)
                names.update(name for (name,) in cursor.fetchall())
    return names


def _write_media_tar(root: Path, target: Path, referenced: set[str], progress: Progress) -> tuple[dict, list[str]]:
    hasher = MediaHasher()
    last = time.monotonic()
    with tarfile.open(target, "w") as tar:
        for name, path in _media_files(root):
            info = tar.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            digest = hashlib.sha256()
            with path.open("rb") as file:
                tar.addfile(info, _Hashing(file, digest))
            hasher.add(name, info.size, digest.hexdigest())
            if time.monotonic() - last > 2:
                progress(f"  已打包 {hasher.files} 个文件({hasher.bytes // (1024 * 1024)} MB)")
                last = time.monotonic()
    stored = {name for name, _ in _media_files(root)}
    media = hasher.result()
    progress(f"  上传文件 {media['files']} 个,共 {media['bytes']} 字节")
    return media, sorted(referenced - stored)


class _Hashing:
    """A file object that hashes what is read from it (tarfile reads each file exactly once)."""

    def __init__(self, file, digest):
        self.file, self.digest = file, digest

    def read(self, size=-1):
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def _file_entry(path: Path) -> dict:
    return {"bytes": path.stat().st_size, "sha256": _sha256_of(path)}


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} 字节"


# ---- restore ----------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise BackupError(f"备份目录 {folder} 不存在。")
    if not path.is_file():
        raise BackupError(f"{folder} 中没有 {MANIFEST_NAME}:这不是一份完整的备份(备份未完成,或目录不对)。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} 无法读取:{exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是本系统能识别的备份清单(format 应为 {FORMAT})。")
    return manifest


def _check_files(folder: Path, manifest: dict, progress: Progress) -> None:
    for name in (DUMP_NAME, MEDIA_NAME):
        path, entry = folder / name, manifest["files"].get(name)
        if entry is None or not path.is_file():
            raise BackupError(f"备份不完整:缺少 {path}。")
        progress(f"  校验 {name}({_size(path)})")
        if path.stat().st_size != entry["bytes"] or _sha256_of(path) != entry["sha256"]:
            raise BackupError(f"备份文件 {path} 已损坏:校验和与清单不符,未做任何恢复。")


def _check_migrations(manifest: dict) -> list[str]:
    """Refuse a backup made by a newer release; return the migrations `migrate` will apply."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"]["heads"].items()
        for name in names
        if (app, name) not in graph.nodes
    ]
    if unknown:
        raise BackupError(
            "这份备份来自更新的版本,当前代码不认识它的迁移:"
            + "、".join(unknown[:10])
            + "。请用生成备份的版本(或更新的版本)恢复。"
        )
    backed_up = {(app, name) for app, names in manifest["migrations"]["heads"].items() for name in names}
    return [f"{app}.{name}" for app, name in graph.leaf_nodes() if (app, name) not in backed_up]


def _target_problems(settings_dict: dict, media_root: Path) -> list[str]:
    problems = []
    connection = _connect(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' "
                "AND n.nspname NOT LIKE 'pg_temp%%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
            )
            relations = cursor.fetchone()[0]
    finally:
        connection.close()
    if relations:
        problems.append(
            f"目标数据库 {settings_dict['NAME']} 不是空的(已有 {relations} 个表、视图或序列):"
            "恢复只写入新建的空数据库(createdb),不覆盖已有数据。"
        )
    if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
        problems.append(f"MEDIA_ROOT {media_root} 不是空的:恢复只写入空目录,不覆盖已有文件。")
    return problems


def restore(folder: Path, progress: Progress) -> dict:
    """Restore `folder` into the (empty) DATABASE_URL database and (empty) MEDIA_ROOT, then check
    the fingerprint. Nothing is written unless the backup is intact and both targets are empty."""
    settings_dict = _settings_dict()
    pg_restore = _tool("pg_restore")
    media_root = Path(settings.MEDIA_ROOT)
    started = time.monotonic()
    progress(f"1/4 检查备份 {folder}")
    manifest = read_manifest(folder)
    progress(f"  备份时间 {describe_created_at(manifest)},版本 {manifest['versions'].get('reform', '?')}")
    _check_files(folder, manifest, progress)
    pending = _check_migrations(manifest)
    problems = _target_problems(settings_dict, media_root)
    if problems:
        raise BackupError("拒绝恢复,未做任何更改:\n" + "\n".join(f"- {p}" for p in problems))

    tables = len(manifest["fingerprint"]["tables"])
    progress(f"2/4 恢复数据库到 {settings_dict['NAME']}(单一事务,{tables} 张表)")
    dsn, env = _client_env(settings_dict)
    command = [
        pg_restore,
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--verbose",
        f"--dbname={dsn}",
        str(folder / DUMP_NAME),
    ]
    _run_client(command, env, "恢复", tables, progress)

    progress(f"3/4 解包上传文件到 {media_root}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_NAME) as tar:
        tar.extractall(media_root, filter="data")
    progress(f"  上传文件 {manifest['fingerprint']['media']['files']} 个")

    progress("4/4 核对台账指纹")
    connections["default"].close()  # a connection opened before the restore may cache an empty schema
    actual = fingerprint(progress)
    expected = manifest["fingerprint"]
    if actual["digest"] != expected["digest"]:
        raise BackupError(
            "恢复后的台账与备份清单不一致,请勿使用这个数据库:\n"
            + "\n".join(f"- {line}" for line in differences(expected, actual))
        )
    progress(f"恢复完成:指纹一致({actual['digest'][:16]}…),用时 {time.monotonic() - started:.1f} 秒。")
    if pending:
        progress(f"备份早于当前代码:请运行 python manage.py migrate 升级数据库(待应用:{'、'.join(pending[:10])})。")
    return actual


def describe_created_at(manifest: dict) -> str:
    return datetime.fromisoformat(manifest["created_at"]).strftime("%Y-%m-%d %H:%M:%S")
