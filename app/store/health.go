package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketHealth keeps every change of a channel's health, so that a sale's
// outages can be drawn and costed after it (the timeline, the report).
// Keys are channel \x00 unix ms (big-endian): one channel's changes sort
// by time.
var bucketHealth = []byte("health")

// HealthChange is a channel entering a health state (engine.StateOK,
// StateDegraded, StateDown) at a sale time, with the error that caused it.
type HealthChange struct {
	Channel string    `json:"channel"`
	At      time.Time `json:"at"`
	State   string    `json:"state"`
	Error   string    `json:"error,omitempty"`
}

func healthKey(channel string, at time.Time) []byte {
	k := make([]byte, 0, len(channel)+9)
	k = append(k, channel...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, uint64(at.UnixMilli()))
}

// SaveHealth appends changes of channels' health, in one transaction. Two
// changes of a channel in the same millisecond keep the later.
func (s *Store) SaveHealth(cs []HealthChange) error {
	if len(cs) == 0 {
		return nil
	}
	err := s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketHealth)
		if err != nil {
			return err
		}
		for _, c := range cs {
			v, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if err := b.Put(healthKey(c.Channel, c.At), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving health changes to %s: %w", s.path, err)
	}
	return nil
}

// Health returns a channel's saved health changes, oldest first. A record
// that cannot be read is skipped: a gap in a history, not a lost database.
func (s *Store) Health(channel string) ([]HealthChange, error) {
	var out []HealthChange
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHealth)
		if b == nil {
			return nil
		}
		prefix := append([]byte(channel), 0)
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var h HealthChange
			if json.Unmarshal(v, &h) != nil || h.State == "" {
				continue
			}
			out = append(out, h)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading health changes of %s from %s: %w", channel, s.path, err)
	}
	return out, nil
}
