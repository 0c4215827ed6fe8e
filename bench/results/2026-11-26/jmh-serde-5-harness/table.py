import json, sys, statistics
# usage: table.py name... ; prints markdown rows per run: cardinality, tsagg median, split median, ratio (medians), ratio (means), alloc
for name in sys.argv[1:]:
    d = json.load(open(f'/tmp/ilp4/{name}.json'))
    load = open(f'/tmp/ilp4/{name}.load').read().split('load average:')
    l0 = load[1].split(',')[0].strip(); l1 = load[-1].split(',')[0].strip() if len(load) > 2 else '?'
    start = load[0].split()[0]
    r = {}
    for b in d:
        m = b['benchmark'].split('.')[-1]; c = b['params']['cardinality']
        raw = [x for fork in b['primaryMetric']['rawData'] for x in fork]
        alloc = b['secondaryMetrics'].get('gc.alloc.rate.norm', {}).get('score')
        r[(m, c)] = (b['primaryMetric']['score'], b['primaryMetric']['scoreError'], statistics.median(raw), alloc)
    for c in ['repeating', 'series10k', 'unique']:
        t = r.get(('tsagg', c)); s = r.get(('stringSplit', c))
        if not t or not s: continue
        print(f"| {name} | {start} | {l0}-{l1} | {c} | {t[2]/1e6:,.2f} M | {s[2]/1e6:,.2f} M | **{t[2]/s[2]:.2f}x** | {t[0]/s[0]:.2f}x | {t[3]:.4f} |")
