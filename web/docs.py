"""The API for people: ``GET /api/v1/docs``, an HTML page of the OpenAPI document (every route, what it
answers, its parameters and the values they take). Served by the atlas itself, no script, nothing from a
CDN; every text from the document is escaped through ``cluster_model.markup.esc``."""

from __future__ import annotations

from cluster_model.markup import esc

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
    "code{background:#f3f3f3;padding:0 .2rem}h2{font-size:1.1rem;margin-top:2rem}"
    "td,th{text-align:left;vertical-align:top;padding:.2rem .6rem .2rem 0}"
)


def _values(schema: dict) -> str:
    allowed = schema.get("enum") or schema.get("items", {}).get("enum")
    return ", ".join(f"<code>{esc(v)}</code>" for v in allowed) if allowed else esc(schema.get("type", ""))


def _operation(path: str, op: dict) -> str:
    rows = "".join(
        f"<tr><td><code>{esc(p['name'])}</code></td><td>{esc(p['in'])}</td><td>{_values(p['schema'])}</td>"
        f"<td>{esc(p.get('description', ''))}</td></tr>"
        for p in op.get("parameters", [])
    )
    table = (
        f"<table><tr><th>parameter</th><th>in</th><th>values</th><th>meaning</th></tr>{rows}</table>"
        if rows
        else ""
    )
    answers = "; ".join(
        f"{esc(code)}: {esc(r['description'])}"
        + (f" ({esc(', '.join(r['content']))})" if r.get("content") else "")
        for code, r in op["responses"].items()
    )
    return (
        f"<h2><code>GET {esc(path)}</code></h2><p>{esc(op['summary'])}. {esc(op.get('description', ''))}</p>"
        f"{table}<p><small>{answers}</small></p>"
    )


def page(document: dict) -> str:
    info = document["info"]
    body = "".join(_operation(path, item["get"]) for path, item in document["paths"].items())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(info["title"])}</title>'
        f"<style>{STYLE}</style></head><body><h1>{esc(info['title'])}</h1><p>{esc(info['description'])}</p>"
        f'<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI {esc(document["openapi"])}).'
        f" Boundaries: {esc(info['license']['name'])}.</p>{body}</body></html>"
    )
