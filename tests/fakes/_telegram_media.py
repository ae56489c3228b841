"""Image and file helpers: real pixels so bots that inspect photos get valid data."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from tests.fakes._telegram_errors import bad_request
from tests.fakes._telegram_records import JsonDict
from tests.fakes._telegram_state import FileStore

THUMBNAIL_SIDE = 90
URL_PHOTO_SIZE = (800, 600)  # what we claim for photos "sent" by URL, never fetched
# An Ogg page header and little else: enough to look like a voice note to a sniffer.
SAMPLE_VOICE = b"OggS\x00\x02" + bytes(20) + b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"


def sample_png(
    width: int = 64, height: int = 48, color: tuple[int, int, int] = (46, 125, 50)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height; Telegram refuses bytes that are no image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise bad_request("IMAGE_PROCESS_FAILED") from exc


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB")
        small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        buffer = io.BytesIO()
        small.save(buffer, format="JPEG")
        return buffer.getvalue()


def _photo_size(
    file_id: str, unique_id: str, size: tuple[int, int], data: bytes | None
) -> JsonDict:
    entry: JsonDict = {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "width": size[0],
        "height": size[1],
    }
    if data is not None:
        entry["file_size"] = len(data)
    return entry


def store_photo(files: FileStore, data: bytes | None) -> list[JsonDict]:
    """Store a photo and return its PhotoSize list, smallest first like Telegram's.

    Bots usually take ``photo[-1]`` (the largest); it holds the original bytes.
    """
    if data is None:
        stored = files.add(None, kind="photo", extension="jpg", mime_type="image/jpeg")
        sizes = [_photo_size(stored.file_id, stored.file_unique_id, URL_PHOTO_SIZE, None)]
        files.remember_photo_set(sizes)
        return sizes
    width, height = image_size(data)
    full = files.add(data, kind="photo", extension="jpg", mime_type="image/jpeg")
    sizes = [_photo_size(full.file_id, full.file_unique_id, (width, height), data)]
    if max(width, height) > THUMBNAIL_SIDE:
        thumb_data = _thumbnail(data)
        thumb = files.add(thumb_data, kind="photo", extension="jpg", mime_type="image/jpeg")
        scale = THUMBNAIL_SIDE / max(width, height)
        thumb_size = (max(1, round(width * scale)), max(1, round(height * scale)))
        sizes.insert(0, _photo_size(thumb.file_id, thumb.file_unique_id, thumb_size, thumb_data))
    files.remember_photo_set(sizes)
    return sizes


def file_entry(
    files: FileStore,
    data: bytes | None,
    *,
    kind: str,
    extension: str,
    mime_type: str | None,
    file_name: str | None = None,
) -> JsonDict:
    """Store a file and return its Document/Voice/Audio-style JSON (without extras)."""
    stored = files.add(
        data, kind=kind, extension=extension, mime_type=mime_type, file_name=file_name
    )
    entry: JsonDict = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if file_name is not None:
        entry["file_name"] = file_name
    if mime_type is not None:
        entry["mime_type"] = mime_type
    if data is not None:
        entry["file_size"] = len(data)
    return entry
