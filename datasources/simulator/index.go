package simulator

// liveIndex counts, over the positions of Book.log, the entries that are
// still the latest update of their order (a Fenwick tree). Updates answers
// "how many orders changed in this window" and finds a page's first entry
// with it, instead of walking the whole window on every page: at launch
// scale a window holds hundreds of thousands of entries.
type liveIndex struct {
	tree []int32 // 1-based; tree[0] unused
}

// push appends position len (0-based) with value v (1 live, 0 dead).
func (x *liveIndex) push(v int32) {
	if len(x.tree) == 0 {
		x.tree = append(x.tree, 0)
	}
	n := len(x.tree) // the new 1-based position
	// tree[n] covers (n - lowbit(n), n].
	sum := v + int32(x.prefix(n-1)-x.prefix(n-(n&-n)))
	x.tree = append(x.tree, sum)
}

// add changes the value at 0-based position p by d.
func (x *liveIndex) add(p int, d int32) {
	for i := p + 1; i < len(x.tree); i += i & -i {
		x.tree[i] += d
	}
}

// prefix is the number of live entries among positions [0, n).
func (x *liveIndex) prefix(n int) int {
	s := 0
	for i := n; i > 0; i -= i & -i {
		s += int(x.tree[i])
	}
	return s
}

// eventQueue holds scheduled status changes, earliest first; changes due
// at the same millisecond come out in the order they were scheduled, so a
// seed always plays the same sale.
type eventQueue struct {
	items []event
	seq   uint64
}

func (q *eventQueue) len() int { return len(q.items) }

func (q *eventQueue) less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *eventQueue) push(ev event) {
	ev.seq = q.seq
	q.seq++
	q.items = append(q.items, ev)
	for i := len(q.items) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.items[i], q.items[p] = q.items[p], q.items[i]
		i = p
	}
}

// peek is the earliest event; the queue must not be empty.
func (q *eventQueue) peek() event { return q.items[0] }

func (q *eventQueue) pop() event {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && q.less(l, m) {
			m = l
		}
		if r < last && q.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
	return top
}
