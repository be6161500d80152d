# Reference log-likelihoods of the rival models for TestRivalLogLikReference,
# computed from their definitions with mpmath (docs/fitting.md).
from mpmath import mp, mpf, exp, log, beta as B, binomial
mp.dps = 30
def pbb(k, n, f, phi=10):
    a = f*phi; b = (1-f)*phi
    return binomial(n, k)*B(k+a, n-k+b)/B(a, b)
sig = lambda x: 1/(1+exp(-x))
# trials: (partner, sent of 10, honoured); gain per unit 0.5, multiplier 3
trials = [(0, 4, False), (0, 2, True), (1, 10, True)]
def rw(v0, ap, am, beta):
    V = {0: mpf(v0), 1: mpf(v0)}; out = []
    for p, k, h in trials:
        U = V[p]*mpf('0.5') - (1-V[p])
        out.append(log(pbb(k, 10, sig(beta*U))))
        r = 1 if h else 0
        d = r - V[p]
        V[p] += (mpf(ap) if d > 0 else mpf(am))*d
    return out
def recip(a, b):
    x = {}; out = []
    for p, k, h in trials:
        last = x.get(p, mpf(1)/3)
        out.append(log(pbb(k, 10, mpf(a)+mpf(b)*last)))
        x[p] = mpf('1.5')/3 if h else mpf(0)
    return out
for name, per in [("rw", rw('0.6', '0.3', '0.5', 5)), ("recip", recip('0.2', '0.8'))]:
    print(name, mp.nstr(sum(per), 17), [mp.nstr(x, 17) for x in per])
