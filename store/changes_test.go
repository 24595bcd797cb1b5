package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// OnChange hears what a committed transaction put and deleted, in order,
// and nothing of a rolled-back one.
func TestOnChangeNamesWrittenDocuments(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	var got [][]Change
	s.OnChange(func(cs []Change) { got = append(got, append([]Change(nil), cs...)) })
	err := s.Write(ctx, func(tx *Tx) error {
		if err := counters.Put(tx, sc, "a", Index{Parent: "p"}, &counter{N: 1}); err != nil {
			return err
		}
		if _, err := AppendLogEvent(tx, sc, "g", LogEvent{Stream: "s", Message: "m"}); err != nil {
			return err
		}
		_, err := counters.Delete(tx, sc, "a")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Write(ctx, func(tx *Tx) error {
		counters.Put(tx, sc, "b", Index{}, &counter{})
		return errors.New("roll back")
	})
	s.Write(ctx, func(tx *Tx) error { _, err := counters.Get(tx, sc, "a"); return err })
	want := [][]Change{{
		{Kind: "test/counter", Scope: sc, ID: "a", Parent: "p"},
		{Kind: LogEventKind, Scope: sc, ID: "s", Parent: "g"},
		{Kind: "test/counter", Scope: sc, ID: "a", Deleted: true},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes = %+v, want %+v", got, want)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[1]) != 1 || got[1][0].Kind != "" {
		t.Fatalf("Reset sent %+v, want one change with an empty kind", got[1:])
	}
}
