import json,collections,sys
# All execution samples of the benchmark thread except setup (driver constructors, cross-check);
# JFR truncates deep stacks (the firing path), so no filter on the outermost frame.
d=json.load(open(sys.argv[1]))
c=collections.Counter(); inc=collections.Counter(); n=0
for e in d['recording']['events']:
    fr=e['values']['stackTrace']['frames']
    names=[f['method']['type']['name'].split('/')[-1]+'.'+f['method']['name'] for f in fr]
    if any(x.endswith('.<init>') and 'Driver' in x for x in names) or any('crossCheck' in x for x in names): continue
    if not any('tsagg' in f['method']['type']['name'] for f in fr): continue
    n+=1
    for f in fr:
        nm=f['method']['type']['name']
        if 'tsagg' in nm:
            c[nm.split('/')[-1]+'.'+f['method']['name']+':'+str(f['lineNumber'])]+=1; break
    for x in set(names): inc[x]+=1
print('samples',n)
for k,v in c.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 40): print(f"{v*100/n:5.1f}% {k}")
print('-- inclusive')
for k,v in inc.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 40): print(f"{v*100/n:5.1f}% {k}")
