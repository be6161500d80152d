#!/usr/bin/env python3
"""Reference values for model/reference_test.go, computed independently of the
Go code: binary terms in Python floats straight from MODEL.md, investment-game
terms exactly in rational arithmetic (for whole a, b the regularised incomplete
beta function is a finite binomial sum), beta-binomial masses from factorials.
Run: python3 model/testdata/reference.py > model/testdata/reference.txt"""
import math
from fractions import Fraction as F

def sig(x): return 1/(1+math.exp(-x))

print("# binary: tau a b gain loss outside lambda0 kappa beta zeta -> lambda p E R B P")
binary = [
    (0.3, 3, 1, 1, 2, 0, 1, 2, 5, 0),
    (0.5, 1, 1, 1, 1, 0, 1, 2, 5, 0),
    (0.0, 2, 2, 1, 1, 0, 1, 2, 5, 0),
    (1.0, 2, 2, 1, 1, 0, 1, 2, 5, 0),
    (0.8, 9, 1, 2, 5, 0.5, 1, 2, 5, 0),
    (0.2, 1, 4, 3, 1, 0, 1.5, 1, 2, 0),
    (0.6, 5, 5, 1, 0, 0, 1, 2, 5, 0),
    (0.4, 0.5, 0.5, 1, 1, -0.2, 1, 2, 10, 0),
    (0.7, 7, 3, 1, 1, 0, 1, 2, 5, 1),
    (0.3, 2, 1, 1, 2, 0, 1, 2, 5, 2),
    (0.5, 30, 10, 1, 1, 0, 0.5, 3, 1, 0.5),
    (0.9, 1.2, 3.4, 4, 0.5, 0.1, 2, 0, 0.5, 0),
]
for tau,a,b,g,l,u0,l0,k,beta,zeta in binary:
    lam = l0*math.exp(k*(0.5-tau))
    n=a+b; p=a/n; sd=math.sqrt(a*b/(n*n*(n+1)))
    pr = max(0.0, p-zeta*sd)
    E=p*g; R=(1-pr)*l; B=E-lam*R-u0
    print(tau,a,b,g,l,u0,l0,k,beta,zeta, repr(lam),repr(p),repr(E),repr(R),repr(B),repr(sig(beta*B)))

def I(t,a,b):
    n=a+b-1
    return sum(F(math.comb(n,j))*t**j*(1-t)**(n-j) for j in range(a,n+1))

print("# investment: tau a b m lambda0 kappa -> E1 R1 B1")
inv = [(0.5,1,1,3),(0.3,3,1,3),(0.7,1,3,3),(0.5,2,2,3),(0.2,5,7,3),(0.9,10,2,3),
       (0.5,1,1,2),(0.4,3,5,2),(0.6,4,4,4),(0.1,2,9,4),(0.5,20,20,3),(0.8,1,9,3)]
for tau,a,b,m in inv:
    t=F(1,m); p=F(a,a+b)
    E1 = m*p*(1-I(t,a+1,b)) - (1-I(t,a,b))
    R1 = I(t,a,b) - m*p*I(t,a+1,b)
    lam = math.exp(2*(0.5-tau))
    print(tau,a,b,m,1,2, repr(float(E1)),repr(float(R1)),repr(float(E1)-lam*float(R1)))

print("# betabinomial: n alpha beta k -> pmf")
def fact(x): return math.factorial(x)
def Bint(x,y): return F(fact(x-1)*fact(y-1), fact(x+y-1))
for n,al,be in [(10,1,1),(10,3,7),(8,2,5),(5,1,4)]:
    for k in [0,1,n//2,n]:
        pmf = math.comb(n,k)*Bint(k+al,n-k+be)/Bint(al,be)
        print(n,al,be,k,repr(float(pmf)))
