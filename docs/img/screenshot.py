"""Takes docs/img/console.png: signs in to a running `portcullis demo` with
its one-time operator link in headless Chromium and photographs a page.

    target/release/portcullis demo --listen 127.0.0.1:8080 > demo.out &
    # once demo.out has its "demo ready" line:
    .venv/bin/python docs/img/screenshot.py "$(grep -m1 '^operator sign-in link:' demo.out | awk '{print $NF}')" / docs/img/console.png

Needs chromium and chromedriver (`apt-get install -y chromium chromium-driver`)
and `requests`; speaks WebDriver to chromedriver directly.
"""

import base64
import subprocess
import sys
import time
from urllib.parse import urlsplit

import requests

DRIVER = "http://127.0.0.1:9515"


def main(link: str, path: str, out: str) -> None:
    base = "{0.scheme}://{0.netloc}".format(urlsplit(link))
    driver = subprocess.Popen(["chromedriver", "--port=9515"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                requests.get(f"{DRIVER}/status", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        options = {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--window-size=1280,900",
                     "--hide-scrollbars", "--force-device-scale-factor=1"],
        }
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": options}}}
        session = requests.post(f"{DRIVER}/session", json=caps, timeout=60).json()["value"]["sessionId"]
        at = f"{DRIVER}/session/{session}"
        requests.post(f"{at}/url", json={"url": link}, timeout=30)
        button = requests.post(f"{at}/element", json={"using": "css selector", "value": "form button"},
                               timeout=30).json()["value"]
        element = next(iter(button.values()))
        requests.post(f"{at}/element/{element}/click", json={}, timeout=30)
        requests.post(f"{at}/url", json={"url": base + path}, timeout=30)
        png = requests.get(f"{at}/screenshot", timeout=30).json()["value"]
        with open(out, "wb") as f:
            f.write(base64.b64decode(png))
        requests.delete(at, timeout=30)
    finally:
        driver.terminate()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
