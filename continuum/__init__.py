"""FiPy continuum layer: Poisson, Poisson–Boltzmann and Poisson–Nernst–Planck."""
