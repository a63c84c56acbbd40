"""Fill the deployment templates in deploy/ for one installation."""

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TEMPLATES = (
    "gunicorn.conf.py",
    "nginx/reform.conf",
    "systemd/reform-web.service",
    "systemd/reform-worker@.service",
    "systemd/reform-beat.service",
    "systemd/reform.target",
)
PLACEHOLDER = re.compile(r"@([A-Z][A-Z_]*)@")


def deploy_dir() -> Path:
    return Path(settings.BASE_DIR) / "deploy"


def client_max_body_size() -> str:
    """The evidence limit plus a megabyte for the rest of the form, in nginx's words."""
    return f"{settings.EVIDENCE_MAX_BYTES // (1024 * 1024) + 1}m"


def render(text: str, values: dict[str, str], name: str) -> str:
    def fill(match):
        if match.group(1) not in values:
            raise CommandError(f"{name}:未知的占位符 {match.group(0)}")
        return values[match.group(1)]

    return PLACEHOLDER.sub(fill, text)


class Command(BaseCommand):
    help = "按本机的路径、用户和端口填写 deploy/ 下的部署模板(gunicorn、nginx、systemd),写入输出目录。"

    def add_arguments(self, parser):
        default_host = urlparse(settings.SITE_URL).hostname or "localhost"
        parser.add_argument("--output", required=True, help="输出目录")
        parser.add_argument("--app-dir", default=str(settings.BASE_DIR), help="项目目录(默认本项目)")
        parser.add_argument("--venv", default=sys.prefix, help="虚拟环境目录(默认当前 Python 的)")
        parser.add_argument("--user", default="reform", help="运行服务的用户")
        parser.add_argument("--group", help="运行服务的组(默认同用户名)")
        parser.add_argument("--env-file", default="/etc/reform/reform.env", help="环境变量文件")
        parser.add_argument("--conf-dir", help="渲染结果在服务器上的位置(默认 --output)")
        parser.add_argument("--server-name", default=default_host, help=f"域名(默认取自 SITE_URL:{default_host})")
        parser.add_argument("--listen-address", default="", help="nginx 监听地址(默认所有地址)")
        parser.add_argument("--http-port", type=int, default=80)
        parser.add_argument("--https-port", type=int, default=443)
        parser.add_argument("--gunicorn-bind", default="127.0.0.1:8001", help="gunicorn 地址,nginx 转发到此")
        parser.add_argument("--tls-cert", default="/etc/ssl/certs/reform.crt")
        parser.add_argument("--tls-key", default="/etc/ssl/private/reform.key")
        parser.add_argument("--nginx-log-dir", default="/var/log/nginx")
        parser.add_argument("--workers", type=int, default=2, help="本机 Celery worker 单元个数")
        parser.add_argument("--gunicorn-timeout", type=int, default=60, help="与 GUNICORN_TIMEOUT 一致")

    def handle(self, *args, **options):
        if options["workers"] < 1:
            raise CommandError("--workers 至少为 1")
        output = Path(options["output"]).resolve()
        address = f"{options['listen_address']}:" if options["listen_address"] else ""
        values = {
            "APP_DIR": str(Path(options["app_dir"]).resolve()),
            "VENV": str(Path(options["venv"]).absolute()),
            "USER": options["user"],
            "GROUP": options["group"] or options["user"],
            "ENV_FILE": options["env_file"],
            "CONF_DIR": str(Path(options["conf_dir"]) if options["conf_dir"] else output),
            "SERVER_NAME": options["server_name"],
            "HTTP_LISTEN": f"{address}{options['http_port']}",
            "HTTPS_LISTEN": f"{address}{options['https_port']}",
            "HTTPS_PORT_SUFFIX": "" if options["https_port"] == 443 else f":{options['https_port']}",
            "GUNICORN_BIND": options["gunicorn_bind"],
            "TLS_CERT": options["tls_cert"],
            "TLS_KEY": options["tls_key"],
            "NGINX_LOG_DIR": options["nginx_log_dir"],
            "CLIENT_MAX_BODY_SIZE": client_max_body_size(),
            "PROXY_READ_TIMEOUT": f"{options['gunicorn_timeout'] + 15}s",
            "WORKER_COUNT": str(options["workers"]),
            "WORKER_UNITS": " ".join(f"reform-worker@{n}.service" for n in range(1, options["workers"] + 1)),
        }
        for name in TEMPLATES:
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render((deploy_dir() / name).read_text(encoding="utf-8"), values, name), encoding="utf-8")
            self.stdout.write(f"  {target}")
        shutil.copyfile(deploy_dir() / "reform.env.example", output / "reform.env.example")
        self.stdout.write(f"  {output / 'reform.env.example'}")
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}(安装步骤见 README「生产部署」)"))
