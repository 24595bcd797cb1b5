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

// OnCommit hears every committed write transaction, and whether its changes
// name all it wrote: a range delete, log events deleted and Reset do not.
func TestOnCommitTellsUnnamedWrites(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	type commit struct {
		n     int
		named bool
	}
	var got []commit
	s.OnCommit(func(cs []Change, named bool) { got = append(got, commit{len(cs), named}) })
	writes := []func(tx *Tx) error{
		func(tx *Tx) error { return counters.Put(tx, sc, "a", Index{}, &counter{N: 1}) },
		func(tx *Tx) error { _, err := counters.Delete(tx, sc, "none"); return err },
		func(tx *Tx) error { _, err := counters.DeleteRange(tx, sc, "a", "b"); return err },
		func(tx *Tx) error { return DeleteLogEvents(tx, sc, "g", "") },
		func(tx *Tx) error { _, err := counters.Get(tx, sc, "a"); return err }, // reads: no commit heard
	}
	for _, w := range writes {
		if err := s.Write(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	want := []commit{{1, true}, {0, true}, {0, false}, {0, false}, {1, false}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("commits = %+v, want %+v", got, want)
	}
}
