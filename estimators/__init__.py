"""Estimators of entropy, mutual information and KL divergence from samples.

The estimator families (discrete, histogram, KDE, k-NN, neural) arrive here one by one; each is
checked against the closed forms of :mod:`exact`.
"""
