"""repcard.photos: renditions are phone-sized, metadata-free, deterministic; the cache never
serves a stale or damaged entry; bad files come back as messages, never tracebacks."""

from __future__ import annotations

import io
import os
import random
import struct
import subprocess
import sys
import threading
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from repcard import photos
from repcard.photos import MAX_BYTES, Rendition, RenditionCache, renditions, renditions_many

ROOT = Path(__file__).resolve().parent.parent
RED, BLUE = (220, 20, 20), (20, 20, 220)


def jpeg(size=(800, 400), **save) -> bytes:
    """Left half red, right half blue, so a turn shows where the halves end up."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def png(size, mode="RGB", color=(0, 128, 0)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that only claims its size: enough for Pillow to open, cheap to make."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def opened(rendition: Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    assert image.format == "WEBP"
    assert image.size == (rendition.width, rendition.height)
    return image


def busy(amplitude: float) -> bytes:
    """A 720 x 960 PNG of a gradient under seeded noise: the more noise, the more bytes any encoding needs."""
    rng = random.Random(1)
    noise = Image.frombytes("L", (720, 960), rng.randbytes(720 * 960)).convert("RGB")
    image = Image.blend(Image.linear_gradient("L").resize((720, 960)).convert("RGB"), noise, amplitude)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def phone_photo() -> bytes:
    """A phone's photo: taken sideways (EXIF orientation 6), with a GPS position and a profile."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 7.5), 3: "E", 4: (4.0, 53.0, 41.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg((800, 400), exif=exif, icc_profile=icc, comment=b"taken at home")
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825), "the test photo must carry a GPS position"
    return data


def test_a_phone_photo_comes_out_upright_and_without_any_metadata(phone_photo):
    result = renditions(phone_photo)
    # Shown upright it is 400 x 800: narrower than 720, so 360 and its own 400.
    assert [(r.width, r.height) for r in result] == [(360, 720), (400, 800)]
    for rendition in result:
        image = opened(rendition)
        assert not image.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & image.info.keys()
        for marker in (b"Exif", b"EXIF", b"GPS", b"ICCP", b"XMP", b"PhoneMaker", b"taken at home"):
            assert marker not in rendition.data
        # Orientation 6 turns the photo a quarter clockwise: the left (red) half is on top.
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((rendition.width // 2, 10)), rgb.getpixel((rendition.width // 2, rendition.height - 10))
        assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_renditions_are_byte_identical_every_time(phone_photo):
    assert renditions(phone_photo) == renditions(phone_photo)


@pytest.mark.parametrize(("size", "expected"), [
    ((1000, 500), [(360, 180), (720, 360)]),
    ((720, 360), [(360, 180), (720, 360)]),
    ((700, 350), [(360, 180), (700, 350)]),  # its own width, rather than 720 made up
    ((360, 180), [(360, 180)]),
    ((200, 300), [(200, 300)]),  # never upscaled, but always one
    ((3000, 2), [(360, 1), (720, 1)]),  # a sliver keeps at least one row
])
def test_widths_never_upscale(size, expected):
    result = renditions(png(size))
    assert [(r.width, r.height) for r in result] == expected
    for rendition in result:
        opened(rendition)


def test_a_busy_photo_at_360_px_is_encoded_down_to_the_byte_budget_and_no_further_than_the_floor(monkeypatch):
    within, floor = renditions(busy(0.3)), renditions(busy(0.5))
    monkeypatch.setattr(photos, "BYTE_BUDGET", 10**9)  # as before the budget: quality 75 throughout
    unbudgeted, unbudgeted_floor = renditions(busy(0.3)), renditions(busy(0.5))
    assert len(unbudgeted[0].data) > 20_000 >= len(within[0].data)
    assert within[1] == unbudgeted[1]  # the 720 px rendition is left at full quality
    monkeypatch.setattr(photos, "QUALITY", photos.QUALITY_FLOOR)
    at_the_floor = renditions(busy(0.5))
    assert floor[0] == at_the_floor[0] and len(floor[0].data) > 20_000  # over even at the floor: the floor's
    assert len(unbudgeted_floor[0].data) > len(floor[0].data)


def test_a_photo_within_the_budget_is_encoded_as_before(phone_photo, monkeypatch):
    budgeted = renditions(phone_photo)
    monkeypatch.setattr(photos, "BYTE_BUDGET", 10**9)
    assert renditions(phone_photo) == budgeted


def test_a_large_jpeg_is_decoded_reduced_and_keeps_its_shape():
    result = renditions(jpeg((3000, 2000)))
    assert [(r.width, r.height) for r in result] == [(360, 240), (720, 480)]


def test_transparency_is_kept_and_an_empty_alpha_channel_dropped():
    clear = renditions(png((400, 200), "RGBA", (0, 0, 255, 0)))
    assert opened(clear[0]).mode == "RGBA"
    opaque = renditions(png((400, 200), "RGBA", (0, 0, 255, 255)))
    assert opened(opaque[0]).mode == "RGB"
    palette = Image.new("P", (400, 200), 0)
    palette.info["transparency"] = 0
    out = io.BytesIO()
    palette.save(out, "PNG", transparency=0)
    assert opened(renditions(out.getvalue())[0]).mode == "RGBA"
    for mode, color in (("L", 128), ("I;16", 40000), ("CMYK", (0, 0, 0, 0))):
        image = Image.new(mode, (400, 200), color)
        out = io.BytesIO()
        image.save(out, "JPEG" if mode == "CMYK" else "PNG")
        assert opened(renditions(out.getvalue())[0]).mode == "RGB", mode


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is not an image Pillow can read (JPEG, PNG or WebP)"),
    (b"hello, I am text", "is not an image Pillow can read (JPEG, PNG or WebP)"),
    (b"GIF89a" + b"\0" * 64, "is not an image Pillow can read (JPEG, PNG or WebP)"),
    (png_header(10_000, 6_100), "is 61 megapixels; expected at most 50"),
    (png_header(10_000, 10_000), "is 100 megapixels; expected at most 50"),  # Pillow warns here
    (png_header(20_000, 20_000), "is 400 megapixels; expected at most 50"),  # and refuses here
    (b"\xff" * (MAX_BYTES + 2**20), "is 21 MB; expected at most 20 MB"),
])
def test_bad_files_are_messages_never_warnings_or_tracebacks(data, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert renditions(data) == message


def test_a_truncated_photo_is_a_message():
    data = jpeg((800, 400))
    message = renditions(data[: len(data) // 2])
    assert isinstance(message, str) and message.startswith("is a damaged or unsupported image (JPEG, PNG or WebP): ")


def shown(result) -> list[tuple[int, int, bytes]]:
    """What renditions look like in the site, wherever their bytes are kept."""
    return [(r.width, r.height, r.data) for r in result]


def test_the_cache_serves_what_it_stored_and_leaves_no_temporary_files(tmp_path, phone_photo):
    cache = RenditionCache(tmp_path / "cache")
    first = cache.renditions(phone_photo)
    key = cache.key(phone_photo)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [f"{key}-{r.width}.webp" for r in first] + [
        f"{key}.json"]
    assert all(r.file and r.webp is None for r in first)  # the site links the cache's files
    assert all(not os.access(r.file, os.W_OK) or os.geteuid() == 0 for r in first)  # read-only
    assert shown(first) == shown(renditions(phone_photo))
    assert cache.get(key) == first
    assert RenditionCache(tmp_path / "cache").renditions(phone_photo) == first
    assert cache.renditions(b"not a photo") == "is not an image Pillow can read (JPEG, PNG or WebP)"
    assert len(list((tmp_path / "cache").iterdir())) == 3  # problems are not stored


def flip_last_bit(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))


@pytest.mark.parametrize("damage", [
    lambda cache, key: cache.path(key).write_bytes(cache.path(key).read_bytes()[:40]),  # index cut short
    lambda cache, key: cache.path(key).write_bytes(b"rubbish"),
    lambda cache, key: cache.path(key).write_text(cache.path(key).read_text().replace("[[360, 180,", "[[361, 180,")),
    lambda cache, key: cache.webp_path(key, 360).unlink(),
    lambda cache, key: cache.webp_path(key, 400).write_bytes(b""),
    lambda cache, key: flip_last_bit(cache.webp_path(key, 400)),  # as an edit through a site's link would
])
def test_a_damaged_entry_is_made_again_never_served(tmp_path, damage):
    data = png((400, 200))
    cache = RenditionCache(tmp_path)
    good = shown(cache.renditions(data))
    key = cache.key(data)
    for file in tmp_path.iterdir():
        file.chmod(0o644)
    damage(cache, key)
    assert cache.get(key) is None
    assert shown(cache.renditions(data)) == good
    assert shown(cache.get(key)) == good  # and repaired


def test_other_settings_never_see_an_old_entry(tmp_path, monkeypatch):
    data = png((400, 200))
    cache = RenditionCache(tmp_path)
    key = cache.key(data)
    cache.renditions(data)
    monkeypatch.setattr(photos, "VERSION", photos.VERSION + " quality changed")
    assert cache.key(data) != key and cache.get(cache.key(data)) is None
    assert cache.key(png((400, 201))) != cache.key(data)


def test_prune_keeps_what_is_used(tmp_path):
    cache = RenditionCache(tmp_path)
    kept, dropped = png((400, 200)), png((400, 202))
    cache.renditions(kept), cache.renditions(dropped)
    (tmp_path / ".tmp-killed").write_bytes(b"half")
    (tmp_path / f"{cache.key(kept)}.bin").write_bytes(b"the first version's entry")
    (tmp_path / "wedding.jpg").write_bytes(b"no file of the cache: the folder named may hold others")
    assert cache.prune({cache.key(kept)}, older_than=0, unused_for=0) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        [f"{cache.key(kept)}-{w}.webp" for w in (360, 400)] + [f"{cache.key(kept)}.json", "wedding.jpg"]


def test_prune_leaves_an_entry_being_written_by_another_build(tmp_path):
    """Its renditions are written before its index: young files with no index yet stay."""
    cache = RenditionCache(tmp_path)
    (tmp_path / "abc-360.webp").write_bytes(b"another build's, its index still to come")
    assert cache.prune(set()) == 0 and (tmp_path / "abc-360.webp").exists()


def test_an_unwritable_cache_still_gives_renditions_and_says_so(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    cache = RenditionCache(tmp_path / "file" / "cache")
    assert isinstance(cache.renditions(png((400, 200))), tuple)
    assert cache.write_error and "cannot write the photo cache" in cache.write_error


def test_many_on_two_processes_is_the_same_as_one_in_input_order(tmp_path, monkeypatch):
    asked = contexts(monkeypatch)
    items: list[bytes | Path] = [png((400 + i, 200)) for i in range(6)] + [b"nope"]
    (tmp_path / "photo.png").write_bytes(items[0])
    items += [tmp_path / "photo.png", tmp_path / "missing.png"]
    serial = renditions_many(items, None, workers=1)
    assert [r[-1].width for r in serial[:6]] == [400, 401, 402, 403, 404, 405]
    assert serial[6] == "is not an image Pillow can read (JPEG, PNG or WebP)"
    assert serial[7] == serial[0]
    assert serial[8] == "cannot read the file: No such file or directory"
    cache = RenditionCache(tmp_path / "cache")
    same = [r if isinstance(r, str) else shown(r) for r in serial]
    assert [r if isinstance(r, str) else shown(r) for r in renditions_many(items, cache, workers=2)] == same  # cold
    alone = threading.active_count() == 1  # the test suite may run other threads (a test server)
    assert asked == (["fork"] if sys.platform == "linux" and alone else ["spawn"])
    assert len(list((tmp_path / "cache").glob("*.json"))) == 6
    assert [r if isinstance(r, str) else shown(r) for r in renditions_many(items, cache, workers=2)] == same  # warm


def test_workers_are_killed_with_their_parent():
    code = ("import ctypes, os\nfrom repcard.photos import _die_with_parent\n_die_with_parent(os.getppid())\n"
            "signal = ctypes.c_int()\nctypes.CDLL(None).prctl(2, ctypes.byref(signal), 0, 0, 0)\nprint(signal.value)")
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "9", result.stderr  # SIGKILL


def test_a_phone_s_multi_picture_jpeg_is_a_jpeg():
    out = io.BytesIO()
    Image.new("RGB", (1000, 500), RED).save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (1000, 500))])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    assert [(r.width, r.height) for r in renditions(out.getvalue())] == [(360, 180), (720, 360)]


def test_colour_profiles_are_applied_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for mode, color in (("RGBA", (0, 0, 255, 100)), ("RGB", (0, 0, 255)), ("L", 80)):
        out = io.BytesIO()
        Image.new(mode, (400, 200), color).save(out, "PNG", icc_profile=srgb)
        image = opened(renditions(out.getvalue())[0])
        assert image.mode == ("RGBA" if mode == "RGBA" else "RGB") and "icc_profile" not in image.info
    out = io.BytesIO()
    Image.new("RGB", (400, 200)).save(out, "PNG", icc_profile=b"not a profile")
    assert isinstance(renditions(out.getvalue()), tuple)


def test_damaged_files_of_every_kind_are_messages():
    """Bytes replaced, cut or added in each format: a message or renditions, nothing else."""
    chance = random.Random(12)
    originals = []
    for kind in ("JPEG", "PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), BLUE).save(out, kind)
        originals.append(out.getvalue())
    exif = Image.Exif()
    exif[0x0112] = 6
    originals.append(jpeg((64, 48), exif=exif))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for original in originals:
            for _ in range(60):
                data = bytearray(original)
                for _ in range(chance.randint(1, 6)):
                    at = chance.randrange(len(data))
                    data[at:at + chance.randint(1, 4)] = chance.randbytes(chance.randint(0, 8))
                result = renditions(bytes(data))
                assert isinstance(result, str) or all(isinstance(r, Rendition) for r in result)


def test_two_builds_writing_one_entry_at_once_never_show_half_of_it(tmp_path):
    data = png((400, 200))
    good = renditions(data)
    key = RenditionCache.key(data)
    seen = []

    def build():
        cache = RenditionCache(tmp_path)
        for _ in range(100):
            cache.put(key, good)
            found = cache.get(key)  # None while another build rewrites the entry: made again then
            seen.append(found and shown(found))

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {tuple(s) if s else None for s in seen} <= {tuple(shown(good)), None} and any(seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{key}-360.webp", f"{key}-400.webp", f"{key}.json"]


def contexts(monkeypatch) -> list[str]:
    """The start methods the pool is made with, as they are asked for."""
    asked: list[str] = []
    real = photos.multiprocessing.get_context
    monkeypatch.setattr(photos.multiprocessing, "get_context", lambda method: asked.append(method) or real(method))
    return asked


def test_with_other_threads_running_the_workers_are_fresh_interpreters(monkeypatch):
    """The dev server runs threads; forking then could copy a held lock, so workers are spawned."""
    asked = contexts(monkeypatch)
    items: list[bytes | Path] = [png((400 + i, 200)) for i in range(4)]
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)
    server.start()
    try:
        assert renditions_many(items, None, workers=2) == [renditions(item) for item in items]
        assert asked == ["spawn"]
    finally:
        stop.set()
        server.join()
