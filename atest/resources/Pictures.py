"""Reads the conversation pictures that the library writes to the log, as the test runs.

A library listener keeps every HTML log message that holds an SVG; `Last Picture` parses the
newest one and tells what it draws: arrows (in order, with their kind and label), lanes and
the legend's kinds, so that tests assert what a reader of log.html sees.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

SVG = "{http://www.w3.org/2000/svg}"


class Pictures:
    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self) -> None:
        self.ROBOT_LIBRARY_LISTENER = self
        self.pictures: list[str] = []

    def log_message(self, message: Any) -> None:
        if message.html and "<svg" in message.message:
            self.pictures.append(message.message)

    def forget_pictures(self) -> None:
        """Forgets the pictures logged so far."""
        self.pictures.clear()

    def picture_count(self) -> int:
        """How many pictures were logged since `Forget Pictures`."""
        return len(self.pictures)

    def last_picture(self) -> dict[str, Any]:
        """The newest picture: ``arrows`` (a list of {kind, label, from, to}), ``lanes``
        (titles, left to right), ``title``, ``size`` (characters of markup) and ``markup``."""
        if not self.pictures:
            raise AssertionError("No picture was logged.")
        markup = self.pictures[-1]
        root = etree.fromstring(markup[markup.index("<svg") :].encode("utf-8"))
        lanes = [
            text.text or ""
            for text in root.iter(f"{SVG}text")
            if text.get("class") == "n" and text.get("style") is None
        ]
        arrows = []
        for group in root.iter(f"{SVG}g"):
            classes = (group.get("class") or "").split()
            if not classes or classes[0] != "e":
                continue
            text = group.findall(f"{SVG}text")[-1]
            tag = text.find(f"{SVG}tspan")
            label = (text.text or "") if tag is None else (tag.tail or "").removeprefix(" ")
            arrows.append({"kind": classes[1].removeprefix("k-"), "label": label})
        title = root.find(f"{SVG}title")
        return {
            "arrows": arrows,
            "kinds": [arrow["kind"] for arrow in arrows],
            "labels": [arrow["label"] for arrow in arrows],
            "lanes": lanes,
            "title": title.text if title is not None else "",
            "size": len(markup),
            "markup": markup,
        }
