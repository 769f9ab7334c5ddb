"""The atlas's read-only HTTP API (issue #26 item 3): Starlette routes that serve.py mounts on st.App."""
