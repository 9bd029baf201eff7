"""Packaging: the metadata is in pyproject.toml; this file maps the top-level libraries
(rtl/, hls/, templates/, boards/, sim/) into the wheel as `hwgen/_share/...`, so an installed
hwgen finds them without a checkout (`hwgen.SHARE`)."""

from setuptools import find_packages, setup

SHARED = {
    "rtl": ["*.v", "formal/*.v", "formal/*.vh"],  # formal/: the proofs' checker and properties
    "hls": ["*.h", "*.cpp", "shim/*.h"],
    "templates": ["*/*.j2"],
    "boards": ["*.yaml"],
    "sim": ["*.cpp", "*.py", "*.v"],
}

setup(
    packages=find_packages(include=["hwgen", "hwgen.*"]) + [f"hwgen._share.{d}" for d in SHARED],
    package_dir={f"hwgen._share.{d}": d for d in SHARED},
    package_data={
        "hwgen.estimate": ["calibration.json", "timing.json"],
        **{f"hwgen._share.{d}": p for d, p in SHARED.items()},
    },
    include_package_data=False,
)
