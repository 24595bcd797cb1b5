package policy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// opFamily is the comparison a condition operator makes.
type opFamily uint8

const (
	opUnknown opFamily = iota
	opStringEquals
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike
	opNull
)

// operators maps each operator name to its family and whether it is negated.
var operators = map[string]struct {
	family  opFamily
	negated bool
}{
	"StringEquals":              {opStringEquals, false},
	"StringNotEquals":           {opStringEquals, true},
	"StringEqualsIgnoreCase":    {opStringEqualsIgnoreCase, false},
	"StringNotEqualsIgnoreCase": {opStringEqualsIgnoreCase, true},
	"StringLike":                {opStringLike, false},
	"StringNotLike":             {opStringLike, true},
	"NumericEquals":             {opNumericEquals, false},
	"NumericNotEquals":          {opNumericEquals, true},
	"NumericLessThan":           {opNumericLessThan, false},
	"NumericLessThanEquals":     {opNumericLessThanEquals, false},
	"NumericGreaterThan":        {opNumericGreaterThan, false},
	"NumericGreaterThanEquals":  {opNumericGreaterThanEquals, false},
	"DateEquals":                {opDateEquals, false},
	"DateNotEquals":             {opDateEquals, true},
	"DateLessThan":              {opDateLessThan, false},
	"DateLessThanEquals":        {opDateLessThanEquals, false},
	"DateGreaterThan":           {opDateGreaterThan, false},
	"DateGreaterThanEquals":     {opDateGreaterThanEquals, false},
	"Bool":                      {opBool, false},
	"BinaryEquals":              {opBinaryEquals, false},
	"IpAddress":                 {opIPAddress, false},
	"NotIpAddress":              {opIPAddress, true},
	"ArnEquals":                 {opArnLike, false},
	"ArnLike":                   {opArnLike, false},
	"ArnNotEquals":              {opArnLike, true},
	"ArnNotLike":                {opArnLike, true},
	"Null":                      {opNull, false},
}

// setOp is a ForAnyValue:/ForAllValues: qualifier.
type setOp uint8

const (
	setNone setOp = iota
	setAny
	setAll
)

// Condition is one key of one operator of a Condition block.
type Condition struct {
	// Operator is the operator as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	// Key is the condition key as written.
	Key    string
	Values []string

	key      string // lower-cased
	family   opFamily
	negated  bool
	set      setOp
	ifExists bool
	// Compiled values, parallel to Values; a value with variables is compiled
	// when evaluated.
	tmpl  []template
	lits  []string // values with escapes resolved
	nums  []float64
	times []int64
	nets  []netip.Prefix
	valid []bool
}

// splitOperator parses "ForAllValues:StringLikeIfExists" into its parts.
func splitOperator(op string) (family opFamily, negated bool, set setOp, ifExists bool) {
	name := op
	if rest, ok := strings.CutPrefix(name, "ForAnyValue:"); ok {
		name, set = rest, setAny
	} else if rest, ok := strings.CutPrefix(name, "ForAllValues:"); ok {
		name, set = rest, setAll
	}
	if rest, ok := strings.CutSuffix(name, "IfExists"); ok && name != "Null" {
		name, ifExists = rest, true
	}
	o, ok := operators[name]
	if !ok {
		return opUnknown, false, set, ifExists
	}
	return o.family, o.negated, set, ifExists
}

// conditions parses a Condition block.
func conditions(n *jnode) ([]Condition, bool) {
	if n.kind != jObject {
		return nil, false
	}
	var out []Condition
	for i, op := range n.keys {
		block := n.vals[i]
		if block.kind != jObject {
			return nil, false
		}
		family, negated, set, ifExists := splitOperator(op)
		if family == opUnknown {
			// IAM accepts an unknown operator only with nothing in it.
			if len(block.keys) > 0 {
				return nil, false
			}
			continue
		}
		for j, key := range block.keys {
			vals, ok := scalarList(block.vals[j])
			if !ok {
				return nil, false
			}
			c := Condition{Operator: op, Key: key, Values: vals, key: strings.ToLower(key),
				family: family, negated: negated, set: set, ifExists: ifExists}
			c.compile()
			out = append(out, c)
		}
	}
	return out, true
}

// scalarList accepts a string, number or boolean, or a list of them.
func scalarList(n *jnode) ([]string, bool) {
	if n.isScalar() {
		return []string{n.str}, true
	}
	if n.kind != jArray {
		return nil, false
	}
	out := make([]string, len(n.vals))
	for i, v := range n.vals {
		if !v.isScalar() {
			return nil, false
		}
		out[i] = v.str
	}
	return out, true
}

func (c *Condition) compile() {
	c.tmpl = make([]template, len(c.Values))
	c.lits = make([]string, len(c.Values))
	c.valid = make([]bool, len(c.Values))
	switch c.family {
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		c.nums = make([]float64, len(c.Values))
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		c.times = make([]int64, len(c.Values))
	case opIPAddress:
		c.nets = make([]netip.Prefix, len(c.Values))
	}
	for i, v := range c.Values {
		c.tmpl[i] = parseTemplate(v)
		if c.tmpl[i].hasVars() {
			continue
		}
		c.lits[i], _, _ = c.tmpl[i].expand(nil)
		c.compileValue(i, c.lits[i])
	}
}

func (c *Condition) compileValue(i int, v string) {
	switch {
	case c.nums != nil:
		f, err := strconv.ParseFloat(v, 64)
		c.nums[i], c.valid[i] = f, err == nil
	case c.times != nil:
		t, ok := parseDate(v)
		c.times[i], c.valid[i] = t, ok
	case c.nets != nil:
		p, ok := parseNet(v)
		c.nets[i], c.valid[i] = p, ok
	default:
		c.valid[i] = true
	}
}

// parseDate reads ISO 8601 dates and times or epoch seconds, as Unix nanoseconds.
func parseDate(v string) (int64, bool) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n * int64(time.Second), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z",
	"2006-01-02T15Z", "2006-01-02", "2006-01-02T15:04:05", "2006-01",
}

func parseNet(v string) (netip.Prefix, bool) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		return p.Masked(), err == nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// evalCondition evaluates one condition; missing is called with the key when
// the request context lacks it (or a variable it uses).
func (c *Condition) eval(ctx Context, missing func(string)) bool {
	vals, present := ctx[c.key]
	if c.family == opNull {
		want := false
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") {
				want = true
			}
		}
		absent := !present || len(vals) == 0
		return absent == want
	}
	if !present || len(vals) == 0 {
		if missing != nil && !c.ifExists {
			missing(c.Key)
		}
		switch {
		case c.ifExists:
			return true
		case c.set == setAll:
			return true
		case c.set == setAny:
			return false
		}
		return c.negated
	}
	switch c.set {
	case setAll:
		for _, v := range vals {
			if c.matchAny(v, ctx, missing) == c.negated {
				return false
			}
		}
		return true
	case setAny:
		for _, v := range vals {
			if c.matchAny(v, ctx, missing) != c.negated {
				return true
			}
		}
		return false
	}
	// A single-valued operator on a multivalued key matches if any value does;
	// its negation if none does.
	for _, v := range vals {
		if c.matchAny(v, ctx, missing) {
			return !c.negated
		}
	}
	return c.negated
}

// matchAny reports whether the request value v matches any policy value.
func (c *Condition) matchAny(v string, ctx Context, missing func(string)) bool {
	var req compiled
	if c.typed() {
		var ok bool
		if req, ok = c.compileOne(v); !ok {
			return false
		}
	}
	for i := range c.Values {
		pv := c.lits[i]
		var pol compiled
		if c.tmpl[i].hasVars() {
			s, ok, miss := c.tmpl[i].expand(ctx)
			if !ok {
				if missing != nil {
					missing(miss)
				}
				continue
			}
			pv = s
			if c.typed() {
				if pol, ok = c.compileOne(s); !ok {
					continue
				}
			}
		} else {
			if !c.valid[i] {
				continue
			}
			switch {
			case c.nums != nil:
				pol.num = c.nums[i]
			case c.times != nil:
				pol.time = c.times[i]
			case c.nets != nil:
				pol.net = c.nets[i]
			}
		}
		if c.compare(pv, v, pol, req) {
			return true
		}
	}
	return false
}

// compiled is a typed value of a numeric, date or IP condition.
type compiled struct {
	num  float64
	time int64
	net  netip.Prefix
}

func (c *Condition) typed() bool { return c.nums != nil || c.times != nil || c.nets != nil }

func (c *Condition) compileOne(v string) (compiled, bool) {
	var out compiled
	switch {
	case c.nums != nil:
		f, err := strconv.ParseFloat(v, 64)
		out.num = f
		return out, err == nil
	case c.times != nil:
		t, ok := parseDate(v)
		out.time = t
		return out, ok
	case c.nets != nil:
		p, ok := parseNet(v)
		out.net = p
		return out, ok
	}
	return out, true
}

func (c *Condition) compare(pv, v string, pol, req compiled) bool {
	switch c.family {
	case opStringEquals:
		return pv == v
	case opStringEqualsIgnoreCase:
		return strings.EqualFold(pv, v)
	case opStringLike:
		return wildMatch(pv, v, false)
	case opNumericEquals:
		return req.num == pol.num
	case opNumericLessThan:
		return req.num < pol.num
	case opNumericLessThanEquals:
		return req.num <= pol.num
	case opNumericGreaterThan:
		return req.num > pol.num
	case opNumericGreaterThanEquals:
		return req.num >= pol.num
	case opDateEquals:
		return req.time == pol.time
	case opDateLessThan:
		return req.time < pol.time
	case opDateLessThanEquals:
		return req.time <= pol.time
	case opDateGreaterThan:
		return req.time > pol.time
	case opDateGreaterThanEquals:
		return req.time >= pol.time
	case opBool:
		return strings.EqualFold(pv, v)
	case opBinaryEquals:
		return pv == v
	case opIPAddress:
		return pol.net.Contains(req.net.Addr())
	case opArnLike:
		return arnMatch(pv, v)
	}
	return false
}
