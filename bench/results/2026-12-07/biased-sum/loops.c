#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
// W = 512 or 256
#if W==512
typedef __m512d V;
#define L 8
#define ADD _mm512_add_pd
#define SUB _mm512_sub_pd
#define FMA _mm512_fmadd_pd
#define SET1 _mm512_set1_pd
#define LD _mm512_loadu_pd
#define MIN _mm512_min_pd
#define MAX _mm512_max_pd
#define ST _mm512_storeu_pd
#else
typedef __m256d V;
#define L 4
#define ADD _mm256_add_pd
#define SUB _mm256_sub_pd
#define FMA _mm256_fmadd_pd
#define SET1 _mm256_set1_pd
#define LD _mm256_loadu_pd
#define MIN _mm256_min_pd
#define MAX _mm256_max_pd
#define ST _mm256_storeu_pd
#endif
__attribute__((noinline)) double biased(const double*x,int n,double bias,double*out){
  V negk=SET1(-x[0]); V s0=SET1(bias),s1=s0; V z=SET1(0); V c0=z,c1=z,q0=z,q1=z,p=z;
  V mn=SET1(1e300),mx=SET1(-1e300);
  for(int i=0;i<n;i+=2*L){V x0=LD(x+i),x1=LD(x+i+L);
    V t=ADD(s0,x0); c0=ADD(c0,SUB(x0,SUB(t,s0))); s0=t;
    t=ADD(s1,x1); c1=ADD(c1,SUB(x1,SUB(t,s1))); s1=t;
    V d0=ADD(x0,negk),d1=ADD(x1,negk); q0=FMA(d0,d0,q0); q1=FMA(d1,d1,q1); p=ADD(p,ADD(d0,d1));
    mn=MIN(mn,MIN(x0,x1)); mx=MAX(mx,MAX(x0,x1));}
  ST(out,s0);ST(out+L,s1);ST(out+2*L,c0);ST(out+3*L,c1);ST(out+4*L,q0);ST(out+5*L,q1);ST(out+6*L,p);ST(out+7*L,mn);ST(out+8*L,mx);
  return out[0];
}
__attribute__((noinline)) double twosum(const double*x,int n,double*out){
  V negk=SET1(-x[0]); V z=SET1(0); V s0=z,s1=z,c0=z,c1=z,q0=z,q1=z;
  V mn=SET1(1e300),mx=SET1(-1e300);
  for(int i=0;i<n;i+=2*L){V x0=LD(x+i),x1=LD(x+i+L);
    V t=ADD(s0,x0); V b=SUB(t,s0); c0=ADD(c0,ADD(SUB(s0,SUB(t,b)),SUB(x0,b))); s0=t;
    t=ADD(s1,x1); b=SUB(t,s1); c1=ADD(c1,ADD(SUB(s1,SUB(t,b)),SUB(x1,b))); s1=t;
    V d0=ADD(x0,negk),d1=ADD(x1,negk); q0=FMA(d0,d0,q0); q1=FMA(d1,d1,q1);
    mn=MIN(mn,MIN(x0,x1)); mx=MAX(mx,MAX(x0,x1));}
  ST(out,s0);ST(out+L,s1);ST(out+2*L,c0);ST(out+3*L,c1);ST(out+4*L,q0);ST(out+5*L,q1);ST(out+7*L,mn);ST(out+8*L,mx);
  return out[0];
}
__attribute__((noinline)) double plainsum(const double*x,int n){ V a=SET1(0),b=a,c=a,d=a; for(int i=0;i<n;i+=4*L){a=ADD(a,LD(x+i));b=ADD(b,LD(x+i+L));c=ADD(c,LD(x+i+2*L));d=ADD(d,LD(x+i+3*L));} double o[L]; ST(o,ADD(ADD(a,b),ADD(c,d))); return o[0];}
int main(){int n=4096; double*x=aligned_alloc(64,n*8); for(int i=0;i<n;i++)x[i]=1e6+(rand()/(double)RAND_MAX-0.5)*100; double out[9*8]; double acc=0;
 int R=200000;
 for(int rep=0;rep<3;rep++){
 double t0=now(); for(int r=0;r<R;r++)acc+=biased(x,n,0x1p40,out); double t1=now();
 for(int r=0;r<R;r++)acc+=twosum(x,n,out); double t2=now();
 for(int r=0;r<R;r++)acc+=plainsum(x,n); double t3=now();
 printf("W=%d per 2L-iter ns: biased %.3f twosum %.3f ; plain per 4L-iter %.3f\n",W,(t1-t0)/R/(n/(2*L))*1e9,(t2-t1)/R/(n/(2*L))*1e9,(t3-t2)/R/(n/(4*L))*1e9);}
 return acc==0;}
