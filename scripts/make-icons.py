#!/usr/bin/env python3
"""Draws the app icons (public/icons/icon-192.png, icon-512.png) with the standard library only:
a red tile with a white location pin, the mark of field work. Re-run after changing the design."""
import math, struct, zlib, pathlib

RED = (179, 38, 30)
WHITE = (255, 255, 255)

def pixel(x, y, size):
    u, v = (x + 0.5) / size, (y + 0.5) / size
    # Pin: a circle on top of a triangle pointing down, with a hole.
    cx, cy, r = 0.5, 0.42, 0.2
    d = math.hypot(u - cx, v - cy)
    in_circle = d <= r
    in_tip = 0.42 <= v <= 0.8 and abs(u - cx) <= r * (0.8 - v) / 0.38
    hole = d <= r * 0.42
    return WHITE if (in_circle or in_tip) and not hole else RED

def png(size):
    rows = b"".join(b"\x00" + bytes(c for x in range(size) for c in pixel(x, y, size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")

out = pathlib.Path(__file__).resolve().parent.parent / "public" / "icons"
out.mkdir(parents=True, exist_ok=True)
for size in (192, 512):
    (out / f"icon-{size}.png").write_bytes(png(size))
