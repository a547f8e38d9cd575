package remote

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// MaxEvent bounds one Server-Sent Event. A launch-scale snapshot (1,400
// SKUs on 4 channels) is a few megabytes; anything far beyond that is not
// a snapshot.
const MaxEvent = 64 << 20

// Event is one Server-Sent Event.
type Event struct {
	ID   string
	Name string // the "event:" field; "message" when absent
	Data []byte
}

// ErrEventTooLarge is an event over MaxEvent.
var ErrEventTooLarge = errors.New("event too large")

// sseReader reads Server-Sent Events (the WHATWG "event stream" format):
// lines of "field: value", events ended by a blank line, comments starting
// with ":". It keeps no state between events but the last id, as the format
// says.
type sseReader struct {
	r      *bufio.Reader
	max    int
	lastID string
	// retry is the reconnection delay the server asked for, in
	// milliseconds; 0 until it asks.
	retry int
	// line and data are the buffers of the line and the event being read,
	// kept from one event to the next (up to keepBuffer): a launch-scale delta is a line of
	// a hundred kilobytes or more, which allocated afresh (and grown in
	// steps) made the reader a remote desktop's largest allocator, a fifth
	// of its bytes (1.5 MB/s).
	line, data []byte
}

// keepBuffer is the largest buffer an sseReader keeps between events: most
// deltas fit (10-205 KB of JSON at launch scale), and a whole snapshot's
// (megabytes, at connection) or a rare large delta's goes back to the
// collector of garbage once read. Kept small because a process may hold
// many readers (the load test's fifty desktops: 1 MB kept each was 100 MB
// more for that process).
const keepBuffer = 256 << 10

func newSSEReader(r io.Reader, max int) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// readLine reads one line without its ending (LF, CRLF or CR-less LF
// only: the collector writes LF), refusing lines longer than max. The line
// is valid until the next call.
func (s *sseReader) readLine() ([]byte, error) {
	buf := s.line[:0]
	defer func() {
		if cap(buf) <= keepBuffer {
			s.line = buf[:0]
		} else {
			s.line = nil
		}
	}()
	for {
		part, err := s.r.ReadSlice('\n')
		if len(buf)+len(part) > s.max {
			return nil, ErrEventTooLarge
		}
		buf = append(buf, part...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				// An unfinished line at the end of the stream is dropped, as
				// an unfinished event is.
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		buf = bytes.TrimSuffix(buf[:len(buf)-1], []byte("\r"))
		return buf, nil
	}
}

// Next returns the next event. Comments (keepalives) are skipped, but
// each one calls onComment so that a reader can tell the stream is alive.
// The event's Data is valid until the next call to Next.
func (s *sseReader) Next(onComment func()) (Event, error) {
	var ev Event
	data := s.data[:0]
	if cap(data) > keepBuffer {
		data = nil
	}
	defer func() { s.data = data[:0] }()
	hasData := false
	size := 0
	for {
		l, err := s.readLine()
		if err != nil {
			return Event{}, err
		}
		size += len(l)
		if size > s.max {
			return Event{}, ErrEventTooLarge
		}
		if len(l) == 0 {
			if !hasData {
				// An event without data is not dispatched (the format's rule);
				// its id and retry have been taken already.
				ev = Event{}
				size = 0
				continue
			}
			ev.ID = s.lastID
			if ev.Name == "" {
				ev.Name = "message"
			}
			ev.Data = data
			return ev, nil
		}
		if l[0] == ':' {
			if onComment != nil {
				onComment()
			}
			continue
		}
		field, value, found := bytes.Cut(l, []byte(":"))
		if found {
			value = bytes.TrimPrefix(value, []byte(" "))
		}
		switch string(field) {
		case "event":
			ev.Name = string(value)
		case "data":
			if hasData {
				data = append(data, '\n')
			}
			data = append(data, value...)
			hasData = true
		case "id":
			if !bytes.ContainsRune(value, 0) {
				s.lastID = string(value)
			}
		case "retry":
			if n, err := strconv.Atoi(string(value)); err == nil && n >= 0 {
				s.retry = n
			}
		default:
			// Unknown fields are ignored, as the format requires.
		}
	}
}

// String names an event for error messages.
func (e Event) String() string {
	return fmt.Sprintf("event %q (id %q, %d bytes)", e.Name, e.ID, len(e.Data))
}
