"""The bench's h5py baseline: walk every object of each HDF5 file given (a .keras archive's
model.weights.h5 is opened through zipfile, as Keras 3 does), reading what kerascope reads:
names, every attribute, every dataset's shape and dtype. Never a weight value.
Usage: python h5py_walk.py PATH...   (a folder is walked recursively)"""
import os
import sys
import zipfile

import h5py


def walk(f):
    count = 0

    def visit(name, obj):
        nonlocal count
        count += 1
        for key in obj.attrs:
            obj.attrs[key]
        if isinstance(obj, h5py.Dataset):
            obj.shape, obj.dtype

    for key in f.attrs:
        f.attrs[key]
    f.visititems(visit)
    return count


def walk_path(path):
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as z:
            with z.open("model.weights.h5") as member, h5py.File(member, "r") as f:
                return walk(f)
    with h5py.File(path, "r") as f:
        return walk(f)


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in sorted(names):
                    yield os.path.join(root, n)
        else:
            yield p


total = sum(walk_path(p) for p in files(sys.argv[1:]))
print(f"{total} objects")
