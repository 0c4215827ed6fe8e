import sys, re, collections
# usage: jfrsum.py file.txt [thread-substring]
pat = sys.argv[2] if len(sys.argv) > 2 else None
events = []
cur = None
for line in open(sys.argv[1]):
    line = line.rstrip('\n')
    if line.startswith('jdk.ExecutionSample'):
        cur = {'thread': '', 'frames': []}; events.append(cur)
    elif cur is not None:
        m = re.match(r'\s+sampledThread = "(.*)" \(', line)
        if m: cur['thread'] = m.group(1); continue
        m = re.match(r'\s{4}([\w$.<>/]+)\(', line)
        if m: cur['frames'].append(m.group(1))
thr = collections.Counter(re.sub(r'\d+', 'N', e['thread'])[:70] for e in events)
print(len(events), 'samples')
for t, c in thr.most_common(8): print(f'{c:6d} {100*c/len(events):5.1f}% {t}')
ev = [e for e in events if pat is None or pat in e['thread']]
n = len(ev) or 1
print('--- top self', len(ev))
for f, c in collections.Counter(e['frames'][0] for e in ev if e['frames']).most_common(35): print(f'{c:6d} {100*c/n:5.1f}% {f}')
print('--- inclusive')
inc = collections.Counter()
for e in ev:
    for f in set(e['frames']): inc[f] += 1
for f, c in inc.most_common(45): print(f'{c:6d} {100*c/n:5.1f}% {f}')
