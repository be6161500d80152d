from mpmath import mp, mpf, exp, log, beta as B, binomial
mp.dps = 30
B1 = [mpf('-0.5328416548961019'), mpf('-0.8590021774948709'), mpf('-0.5328416548961019')]
def f_of(b): return 1/(1+exp(-5*b))
def pbb(k,n,f,phi=10):
    a=f*phi; b=(1-f)*phi
    return binomial(n,k)*B(k+a,n-k+b)/B(a,b)
def rset(n):
    r = [k for k in range(n+1) if (10*k)%n==0 or 2*k==n]
    if len(r) == n+1:  # every amount is a multiple of a tenth: the half alone
        return [n//2] if n % 2 == 0 else []
    return r
def p(k,n,f,lapse,hurdle,rnd):
    R=rset(n)
    pr = pbb(k,n,f)
    if rnd>0 and R:
        s=sum(pbb(j,n,f) for j in R)
        pr=(1-rnd)*pbb(k,n,f)+(rnd*pbb(k,n,f)/s if k in R else 0)
    ph=(1-hurdle)*pr + (hurdle*f if k==n else 0) + (hurdle*(1-f) if k==0 else 0)
    return (1-lapse)*ph + lapse/(n+1)
for n,ks in [(10,[4,2,10]),(10,[5,2,10]),(20,[8,3,20]),(20,[0,3,20])]:
    for name,(l,h,r) in [("lapse",(0.05,0,0)),("hurdle",(0,0.2,0)),("round",(0,0,0.3)),("lapse+hurdle+round",(0.05,0.2,0.3))]:
        per=[log(p(k,n,f_of(b),mpf(l),mpf(h),mpf(r))) for k,b in zip(ks,B1)]
        print(n,ks,name, mp.nstr(sum(per),17), [mp.nstr(x,17) for x in per])
# mean under round for n=20, f=f_of(B1[0])
f=f_of(B1[0]); n=20; R=rset(n); s=sum(pbb(j,n,f) for j in R); sk=sum(pbb(j,n,f)*j/n for j in R)
print("mean", mp.nstr((1-mpf('0.05'))*((1-mpf('0.2'))*((1-mpf('0.3'))*f+mpf('0.3')*sk/s)+mpf('0.2')*f)+mpf('0.05')*mpf('0.5'),17))
# binary / two-option lapse: P(high) for option with dx=1 and B1=0.048355979283962315, beta 5? 
