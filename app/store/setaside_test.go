package store

import (
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A control state that cannot be read is set aside with why, the readable
// ones still load, and the next read no longer meets it.
func TestUnreadableControlIsSetAside(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	end := time.Date(2026, 11, 24, 16, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	if err := s.SaveControl(Control{Sale: "s", Channel: "good", End: end}); err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketControl).Put(controlKey("s", "bad"), []byte(`{"sale":"s","channel":"bad","end":"10000-01-01T06:00:00+07:00"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	got, aside, err := s.Controls()
	if err != nil || len(got) != 1 || got[0].Channel != "good" || !got[0].End.Equal(end) {
		t.Fatalf("controls: %+v %v", got, err)
	}
	if len(aside) != 1 || !strings.Contains(aside[0], "unreadable") || !strings.Contains(aside[0], s.Path()) {
		t.Errorf("reported: %q", aside)
	}
	if got, aside, err = s.Controls(); err != nil || len(got) != 1 || len(aside) != 0 {
		t.Errorf("read again: %+v %q %v", got, aside, err)
	}
	kept, err := s.SetAsides()
	if err != nil || len(kept) != 1 || kept[0].Bucket != "control" || !strings.Contains(kept[0].Value, "10000-01-01") {
		t.Errorf("kept: %+v %v", kept, err)
	}
}
