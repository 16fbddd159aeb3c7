"""[report.brand] and --audience: a logo and colours embedded in the report, the view chosen
on the command line or in smm.toml."""

from __future__ import annotations

import base64
from pathlib import Path

from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli

# a 1x1 PNG (constructed: the smallest valid image)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=ws))


def test_logo_and_colours_are_embedded(write_ws) -> None:
    ws = write_ws(
        '[report]\naudience = "client"\n\n'
        '[report.brand]\nlogo = "brand/logo.png"\nprimary = "#aa3300"\naccent = "#123456"\n'
    )
    (ws / "brand").mkdir()
    (ws / "brand" / "logo.png").write_bytes(PNG)
    assert run(ws, "sync").exit_code == 0
    result = run(ws, "report", "--format", "html", "-o", str(ws / "r.html"))
    assert result.exit_code == 0, result.output
    html = (ws / "r.html").read_text(encoding="utf-8")
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in html
    assert "--accent: #aa3300; --accent2: #123456;" in html
    assert 'id="summary"' in html  # the [report] audience
    result = run(
        ws, "report", "--format", "html", "--audience", "analyst", "-o", str(ws / "a.html")
    )
    assert 'id="summary"' not in (ws / "a.html").read_text(encoding="utf-8")


def test_a_missing_logo_is_one_clear_error(write_ws) -> None:
    ws = write_ws('[report.brand]\nlogo = "nope.png"\n')
    result = run(ws, "report", "--format", "html", "-o", str(ws / "r.html"))
    assert result.exit_code == 1
    message = result.exception.format_message()
    assert "[report.brand] logo 'nope.png' cannot be read" in message
    assert "PNG, JPEG or SVG" in message and not (ws / "r.html").exists()


def test_a_bad_colour_is_rejected(write_ws) -> None:
    ws = write_ws('[report.brand]\nprimary = "red"\n')
    result = run(ws, "report", "--format", "html", "-o", str(ws / "r.html"))
    assert result.exit_code != 0
    assert "report.brand.primary" in str(result.exception.format_message())
