package remote

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestSSEReader(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []Event // then io.EOF
		comments int
		retry    int
		err      error
	}{
		{name: "one snapshot", in: "id: 7\nevent: snapshot\ndata: {\"seq\":7}\n\n",
			want: []Event{{ID: "7", Name: "snapshot", Data: []byte(`{"seq":7}`)}}},
		{name: "retry and keepalive are not events", in: "retry: 2000\n\n: keepalive\n\nevent: action\ndata: {\"id\":\"A1\"}\n\n",
			want: []Event{{Name: "action", Data: []byte(`{"id":"A1"}`)}}, comments: 1, retry: 2000},
		{name: "data lines join with newlines, CRLF endings, no space after colon", in: "data:a\r\ndata: b\r\n\r\n",
			want: []Event{{Name: "message", Data: []byte("a\nb")}}},
		{name: "the last id carries over", in: "id: 3\ndata: x\n\ndata: y\n\n",
			want: []Event{{ID: "3", Name: "message", Data: []byte("x")}, {ID: "3", Name: "message", Data: []byte("y")}}},
		{name: "unknown fields and a bad retry are ignored", in: "foo: bar\nretry: soon\ndata: z\n\n",
			want: []Event{{Name: "message", Data: []byte("z")}}},
		{name: "an unfinished event is dropped", in: "data: {\"seq\":1}\n\ndata: {\"se",
			want: []Event{{Name: "message", Data: []byte(`{"seq":1}`)}}, err: io.ErrUnexpectedEOF},
		{name: "an event over the limit", in: "data: " + strings.Repeat("x", 200) + "\n\n", err: ErrEventTooLarge},
		{name: "many lines over the limit", in: strings.Repeat("data: xxxxxxxxxx\n", 20) + "\n", err: ErrEventTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newSSEReader(strings.NewReader(tt.in), 100)
			comments := 0
			var got []Event
			var err error
			for {
				var ev Event
				ev, err = r.Next(func() { comments++ })
				if err != nil {
					break
				}
				ev.Data = bytes.Clone(ev.Data) // valid until the next Next only
				got = append(got, ev)
			}
			want := tt.err
			if want == nil {
				want = io.EOF
			}
			if !errors.Is(err, want) {
				t.Errorf("error %v, want %v", err, want)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].ID != tt.want[i].ID || got[i].Name != tt.want[i].Name || string(got[i].Data) != string(tt.want[i].Data) {
					t.Errorf("event %d: %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if comments != tt.comments || r.retry != tt.retry {
				t.Errorf("comments %d retry %d, want %d %d", comments, r.retry, tt.comments, tt.retry)
			}
		})
	}
}

// FuzzSSE: whatever a collector (or something posing as one) sends, the
// reader ends with an error or events, never panics, and never returns an
// event larger than its limit.
func FuzzSSE(f *testing.F) {
	for _, s := range []string{
		"id: 1\nevent: snapshot\ndata: {}\n\n",
		"retry: 2000\n\n: keepalive 2026-11-23T07:00:00Z\n\n",
		"data: a\r\ndata: b\r\n\r\n",
		"event: action\ndata: {\"id\":\"A000000001\"}\n\n",
		"\n\n\n:\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := newSSEReader(strings.NewReader(in), 1024)
		for range 10000 {
			ev, err := r.Next(nil)
			if err != nil {
				return
			}
			if len(ev.Data) > 1024 {
				t.Fatalf("an event of %d bytes over a 1024 limit", len(ev.Data))
			}
		}
		t.Fatal("10,000 events from one input")
	})
}

// BenchmarkSSEDeltas: reading a stream of launch-sized deltas (one data
// line of 150 KB each), as a remote desktop does once a second.
func BenchmarkSSEDeltas(b *testing.B) {
	ev := "id: 1\nevent: delta\ndata: " + strings.Repeat(`{"i":1,"set":{"sold":151}},`, 150<<10/27) + "\n\n"
	stream := strings.Repeat(ev, 100)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		r := newSSEReader(strings.NewReader(stream), MaxEvent)
		for range 100 {
			if _, err := r.Next(nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}
