"""Install what the protocol tests run against, when it is missing; quick when nothing is.

- Debian packages (as root, with apt-get): ``rabbitmq-server`` and ``mosquitto`` (the
  brokers), ``chromium`` (a real browser client) and ``chromium-driver`` (the WebDriver of
  the SeleniumLibrary example), ``nodejs`` and ``npm`` (for the reference GraphQL server
  and the official protocol clients). The packages' own services are not started.
  ``--browser`` installs only Chromium and its driver, for the examples.
- npm packages in ``atest/resources/node`` (``npm ci`` from the committed lock file), when
  ``node_modules`` is missing or older than ``package.json`` / ``package-lock.json``.

tox runs it before the test environments that need these (``commands_pre``). It fails only
when an install it tried fails; what it cannot do (not root, no npm) it says and skips, and
the tests that need it then fail saying what is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent / "node"
STAMP = NODE_DIR / "node_modules" / ".installed-from"

# Debian package -> the files that show it is installed.
PACKAGES = {
    "rabbitmq-server": ["/usr/lib/rabbitmq/bin/rabbitmq-server"],
    "mosquitto": ["/usr/sbin/mosquitto"],
    "chromium": ["/usr/bin/chromium"],
    "chromium-driver": ["/usr/bin/chromedriver"],
    "nodejs": ["/usr/bin/node", "/usr/local/bin/node"],
    "npm": ["/usr/bin/npm", "/usr/local/bin/npm"],
}

# invoke-rc.d asks this script whether a package may start its service; 101 means no.
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")


def say(message: str) -> None:
    print(f"install_servers: {message}", flush=True)


def missing_packages() -> list[str]:
    missing = []
    for package, paths in PACKAGES.items():
        if package in ("nodejs", "npm") and shutil.which(package if package == "npm" else "node"):
            continue
        if not any(os.path.exists(path) for path in paths):
            missing.append(package)
    return missing


def install_debian_packages(packages: list[str]) -> None:
    if not packages:
        return
    if os.geteuid() != 0:
        say(
            f"not root, so not installing {' '.join(packages)}; "
            f"install them with: sudo apt-get install {' '.join(packages)}"
        )
        return
    if not shutil.which("apt-get"):
        say(f"no apt-get here, so not installing {' '.join(packages)}")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # The brokers run as private processes on free ports; their system services would only
    # hold the default ports, so a policy script keeps them from starting.
    own_policy = not POLICY_RC_D.exists()
    if own_policy:
        POLICY_RC_D.write_text("#!/bin/sh\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
    try:
        start = time.monotonic()
        say(f"installing {' '.join(packages)} (apt-get update, then apt-get install)")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", *packages],
            check=True,
            env=env,
        )
        say(f"installed {' '.join(packages)} in {time.monotonic() - start:.0f} s")
    finally:
        if own_policy:
            POLICY_RC_D.unlink(missing_ok=True)


def lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        path = NODE_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def install_node_packages() -> None:
    wanted = lock_digest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        say("npm is missing, so the Node.js test servers are not installed")
        return
    command = "ci" if (NODE_DIR / "package-lock.json").exists() else "install"
    start = time.monotonic()
    say(f"npm {command} in {NODE_DIR}")
    subprocess.run(
        [npm, command, "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True
    )
    STAMP.write_text(wanted + "\n")
    say(f"npm {command} took {time.monotonic() - start:.1f} s")


#: What the SeleniumLibrary example (docs/examples/08_selenium_page.robot) needs.
BROWSER = ("chromium", "chromium-driver")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--browser", action="store_true", help="install only Chromium and its driver"
    )
    options = parser.parse_args(argv)
    missing = missing_packages()
    if options.browser:
        install_debian_packages([package for package in missing if package in BROWSER])
        return 0
    install_debian_packages(missing)
    install_node_packages()
    return 0


if __name__ == "__main__":
    sys.exit(main())
