"""swingfund: targeting, scorecards, committee decisions and transparent money for UK community groups."""

import os

# One BLAS thread per process unless the deployment says otherwise: the model's matrix products are small (a block
# of seats × a few rows, `targeting.simulate`), so a pool of BLAS threads only adds hand-offs, and the site already
# runs one request per thread. Read by OpenBLAS when numpy is first imported, which is after this line whenever
# swingfund is started as `swingfund …` or `python -m swingfund`.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
