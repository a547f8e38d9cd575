package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/store/record"
	bolt "go.etcd.io/bbolt"
)

// purgeBatch is how many orders one read transaction of a purge looks at:
// short transactions, so the pollers' writes never wait long.
const purgeBatch = 10000

// purgeWrite is how many orders one write transaction of a purge rewrites.
const purgeWrite = 2000

var (
	sealedMark  = []byte(`"pii":"`)
	createdMark = []byte(`"created_at":"`)
)

// PurgePersonalData removes the sealed personal data of every order of a
// channel whose retention ended: until(created) at or before now. The
// order stays, with its ids, times, status, items and amounts, marked with
// when its personal data was purged. It returns how many orders it purged.
//
// A pass reads only what it needs of each record (whether it holds
// personal data, and when the order was placed), so running it hourly over
// a million orders costs a fraction of a second. The removed values are
// ciphertext; bbolt keeps freed pages as they were, so the store compacts
// the file at its next open (see compact).
func (s *Store) PurgePersonalData(channel string, now time.Time, until func(created time.Time) time.Time) (int, error) {
	bucket := []byte(prefixOrders + channel)
	purged := 0
	var after []byte
	for {
		var due [][]byte
		var last []byte
		err := s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucket)
			if b == nil {
				return nil
			}
			defer dropMapped(tx)
			c := b.Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for n := 0; k != nil && n < purgeBatch; k, v = c.Next() {
				n++
				last = k
				sealed, created, err := sealedCreated(v)
				if err != nil {
					return fmt.Errorf("order %q of %s in %s is unreadable: %w", k, channel, s.path, err)
				}
				if !sealed {
					continue
				}
				if !until(created).After(now) {
					due = append(due, slices.Clone(k))
				}
			}
			last = slices.Clone(last)
			return nil
		})
		if err != nil {
			return purged, err
		}
		for len(due) > 0 {
			part := due[:min(len(due), purgeWrite)]
			due = due[len(part):]
			n, err := s.purge(bucket, part, now)
			purged += n
			if err != nil {
				return purged, fmt.Errorf("purging personal data of %s in %s: %w", channel, s.path, err)
			}
		}
		if last == nil {
			return purged, nil
		}
		after = last
	}
}

// purge removes the personal data of the orders at keys, in one
// transaction.
func (s *Store) purge(bucket []byte, keys [][]byte, now time.Time) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		var d record.Decoder
		var so storedOrder
		for _, k := range keys {
			v := b.Get(k)
			if v == nil {
				continue
			}
			if err := d.Decode(k, v, &so); err != nil {
				return fmt.Errorf("order %q is unreadable: %w", k, err)
			}
			if so.Sealed == nil {
				continue
			}
			// Whatever a record of an older layout kept in clear goes too.
			take(&so.Order)
			so.Sealed, so.Purged = nil, now.UTC()
			if err := b.Put(k, record.Append(nil, &so)); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		return tx.Bucket(bucketMeta).Put(metaScrub, []byte{1})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// sealedCreated says whether a record holds sealed personal data and when
// its order was placed, without decoding the rest.
func sealedCreated(v []byte) (sealed bool, created time.Time, err error) {
	if !record.IsJSON(v) {
		h, err := record.ReadHead(v)
		return h.Sealed, h.CreatedAt, err
	}
	// A record of the JSON layout of earlier versions.
	if !bytes.Contains(v, sealedMark) {
		return false, time.Time{}, nil
	}
	created, err = createdAt(v)
	return true, created, err
}

// createdAt reads when an order was placed from its record, without
// decoding the rest. Keys in the record are unique and a string value
// cannot hold an unescaped quote, so the first `"created_at":"` is the
// field's.
func createdAt(v []byte) (time.Time, error) {
	if i := bytes.Index(v, createdMark); i >= 0 {
		rest := v[i+len(createdMark):]
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			if t, err := time.Parse(time.RFC3339Nano, string(rest[:j])); err == nil {
				return t, nil
			}
		}
	}
	var o struct {
		CreatedAt time.Time `json:"created_at"`
	}
	err := json.Unmarshal(v, &o)
	return o.CreatedAt, err
}
