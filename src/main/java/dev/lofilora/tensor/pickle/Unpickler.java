package dev.lofilora.tensor.pickle;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle virtual machine for data only (protocols 0–5, the opcodes {@code pickletools} documents), written by hand
 * because no Java library reads pickles without running them and libtorch's own {@code pickle_load} refuses these
 * files (it accepts protocol 2 only and maps {@code collections.OrderedDict} to None).
 *
 * <p>It never imports or executes anything. {@code GLOBAL}/{@code STACK_GLOBAL} ask {@link Hooks#global} for a name,
 * which refuses everything outside its allowlist on the spot, before any argument is even read; {@code REDUCE},
 * {@code NEWOBJ} and {@code BUILD} hand the allowed names to {@link Hooks} as plain data. Opcodes that exist only to
 * run code ({@code INST}, {@code OBJ}, {@code EXT*}) and out-of-band buffers are refused.
 *
 * <p>Values: None → null, bool → Boolean, int → Long (BigInteger beyond 64 bits), float → Double, str → String,
 * bytes → byte[], tuple → {@link PyTuple}, list → ArrayList, dict → LinkedHashMap (insertion order), set →
 * LinkedHashSet.
 */
final class Unpickler {
    /** What the allowlist decides; every method may throw {@link PickleException}. */
    interface Hooks {
        /** The object a global name stands for; refuses names outside the allowlist. */
        Object global(String module, String name);

        /** {@code callable(*args)} for REDUCE, or {@code cls.__new__(cls, *args)} for NEWOBJ. */
        Object call(Object callable, PyTuple args);

        /** {@code BUILD}: applies {@code state} to {@code obj}; returns the object that replaces it on the stack. */
        Object build(Object obj, Object state);

        /** {@code BINPERSID}/{@code PERSID}: the object a persistent id names (torch storages). */
        Object persistentLoad(Object pid);
    }

    private static final Object MARK = new Object() {
        @Override public String toString() { return "<mark>"; }
    };
    private static final int MAX_MEMO = 1 << 24;

    private final ByteBuffer in;
    private final Path file;
    private final Hooks hooks;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    Unpickler(ByteBuffer data, Path file, Hooks hooks) {
        this.in = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
        this.hooks = hooks;
    }

    /** Bytes consumed so far (the legacy format reads several pickles back to back). */
    int position() { return in.position(); }

    /** Runs the machine to {@code STOP} and returns the top of the stack. */
    Object load() {
        try {
            while (true) {
                int op = u8();
                switch (op) {
                    case 0x80 -> { // PROTO
                        int p = u8();
                        if (p > 5) throw malformed("pickle protocol " + p + " is newer than this reader (0–5)");
                    }
                    case 0x95 -> in.getLong(); // FRAME: length only; frames are read straight through
                    case '.' -> { return pop(); } // STOP
                    case '(' -> { marks.add(stack.size()); } // MARK
                    case '0' -> pop(); // POP
                    case '1' -> popMark(); // POP_MARK
                    case '2' -> push(peek()); // DUP
                    case 'N' -> push(null);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'J' -> push((long) in.getInt()); // BININT
                    case 'K' -> push((long) u8()); // BININT1
                    case 'M' -> push((long) (in.getShort() & 0xFFFF)); // BININT2
                    case 0x8a -> push(longBytes(u8())); // LONG1
                    case 0x8b -> push(longBytes(length(in.getInt() & 0xFFFFFFFFL))); // LONG4
                    case 'I' -> push(textInt(line())); // INT
                    case 'L' -> push(textLong(line())); // LONG
                    case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT (big-endian)
                    case 'F' -> push(Double.parseDouble(line())); // FLOAT
                    case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                    case 'X' -> push(utf8(length(in.getInt() & 0xFFFFFFFFL))); // BINUNICODE
                    case 0x8d -> push(utf8(length(in.getLong()))); // BINUNICODE8
                    case 'U' -> push(latin1(u8())); // SHORT_BINSTRING (py2 str, read as latin-1)
                    case 'T' -> push(latin1(length(in.getInt()))); // BINSTRING
                    case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                    case 'B' -> push(bytes(length(in.getInt() & 0xFFFFFFFFL))); // BINBYTES
                    case 0x8e -> push(bytes(length(in.getLong()))); // BINBYTES8
                    case 0x96 -> push(bytes(length(in.getLong()))); // BYTEARRAY8
                    case ')' -> push(new PyTuple(List.of())); // EMPTY_TUPLE
                    case 't' -> push(new PyTuple(popMark())); // TUPLE
                    case 0x85 -> push(tuple(pop())); // TUPLE1
                    case 0x86 -> { Object b = pop(), a = pop(); push(tuple(a, b)); } // TUPLE2
                    case 0x87 -> { Object c = pop(), b = pop(), a = pop(); push(tuple(a, b, c)); } // TUPLE3
                    case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                    case 'l' -> push(new ArrayList<>(popMark())); // LIST
                    case 'a' -> { Object v = pop(); list(peek()).add(v); } // APPEND
                    case 'e' -> { List<Object> items = popMark(); list(peek()).addAll(items); } // APPENDS
                    case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                    case 'd' -> push(dictOf(popMark(), new LinkedHashMap<>())); // DICT
                    case 's' -> { Object v = pop(), k = pop(); map(peek()).put(key(k), v); } // SETITEM
                    case 'u' -> { List<Object> kv = popMark(); dictOf(kv, map(peek())); } // SETITEMS
                    case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
                    case 0x90 -> { List<Object> items = popMark(); set(peek()).addAll(items); } // ADDITEMS
                    case 0x91 -> push(new LinkedHashSet<>(popMark())); // FROZENSET
                    case 'c' -> push(hooks.global(line(), line())); // GLOBAL "module\nname\n"
                    case 0x93 -> { String name = str(pop()), module = str(pop()); push(hooks.global(module, name)); }
                    case 'R' -> { PyTuple args = tupleArg(pop()); push(hooks.call(pop(), args)); } // REDUCE
                    case 0x81 -> { PyTuple args = tupleArg(pop()); push(hooks.call(pop(), args)); } // NEWOBJ
                    case 0x92 -> { // NEWOBJ_EX: cls, args, kwargs — kwargs must be empty
                        Object kwargs = pop();
                        PyTuple args = tupleArg(pop());
                        if (!(kwargs instanceof Map<?, ?> m) || !m.isEmpty()) throw malformed("NEWOBJ_EX with keyword arguments");
                        push(hooks.call(pop(), args));
                    }
                    case 'b' -> { Object state = pop(); push(hooks.build(pop(), state)); } // BUILD
                    case 'Q' -> push(hooks.persistentLoad(pop())); // BINPERSID
                    case 'P' -> push(hooks.persistentLoad(line())); // PERSID
                    case 'q' -> memo((long) u8()); // BINPUT
                    case 'r' -> memo(in.getInt() & 0xFFFFFFFFL); // LONG_BINPUT
                    case 'p' -> memo(Long.parseLong(line())); // PUT
                    case 0x94 -> memo((long) memo.size()); // MEMOIZE
                    case 'h' -> push(recall((long) u8())); // BINGET
                    case 'j' -> push(recall(in.getInt() & 0xFFFFFFFFL)); // LONG_BINGET
                    case 'g' -> push(recall(Long.parseLong(line()))); // GET
                    case 'i', 'o' -> throw refused("the INST/OBJ opcode (builds an arbitrary class instance)");
                    case 0x82, 0x83, 0x84 -> throw refused("an EXT opcode (the copyreg extension registry)");
                    case 0x97, 0x98 -> throw refused("an out-of-band buffer (pickle protocol 5 NEXT_BUFFER)");
                    case 'S', 'V' -> throw malformed("a protocol-0 text string, which torch.save never writes");
                    default -> throw malformed(String.format("unknown opcode 0x%02x at byte %d", op, in.position() - 1));
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new PickleException(file, "the pickle ends before its STOP opcode (the file is truncated)",
                    "download the checkpoint again and compare its size with the published one", e);
        } catch (IndexOutOfBoundsException | ClassCastException | NumberFormatException e) {
            throw malformed("the pickle is malformed (" + e.getMessage() + ")");
        }
    }

    // ---- stack and memo ---------------------------------------------------------------------------------------

    private void push(Object o) { stack.add(o); }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw malformed("stack underflow at byte " + in.position());
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) throw malformed("stack underflow at byte " + in.position());
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw malformed("no MARK before byte " + in.position());
        int at = marks.remove(marks.size() - 1);
        List<Object> sub = stack.subList(at, stack.size());
        List<Object> items = new ArrayList<>(sub);
        sub.clear();
        return items;
    }

    private void memo(long index) {
        if (index > MAX_MEMO) throw malformed("memo index " + index + " is implausibly large");
        memo.put(index, peek());
    }

    private Object recall(long index) {
        if (!memo.containsKey(index)) throw malformed("memo slot " + index + " is read before it is written");
        return memo.get(index);
    }

    // ---- reading ----------------------------------------------------------------------------------------------

    private int u8() { return in.get() & 0xFF; }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        return (int) n;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[length(n)];
        in.get(b);
        return b;
    }

    private String utf8(int n) { return new String(bytes(n), StandardCharsets.UTF_8); }

    private String latin1(int n) { return new String(bytes(n), StandardCharsets.ISO_8859_1); }

    /** A text line up to '\n' (GLOBAL names, text ints). */
    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') return sb.toString();
            if (sb.length() > 4096) throw malformed("a text field longer than 4096 bytes");
            sb.append((char) c);
        }
    }

    /** Little-endian two's-complement integer of {@code n} bytes (LONG1/LONG4). */
    private Object longBytes(int n) {
        byte[] le = bytes(n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static Object textInt(String s) {
        if (s.equals("00")) return Boolean.FALSE;
        if (s.equals("01")) return Boolean.TRUE;
        return Long.parseLong(s);
    }

    private static Object textLong(String s) {
        BigInteger v = new BigInteger(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    // ---- typed views of stack values --------------------------------------------------------------------------

    private static PyTuple tuple(Object... items) {
        List<Object> l = new ArrayList<>(items.length);
        for (Object o : items) l.add(o);
        return new PyTuple(l);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l && !(o instanceof PyTuple)) return (List<Object>) l;
        throw malformed("APPEND to a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw malformed("SETITEM on a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private Set<Object> set(Object o) {
        if (o instanceof Set<?> s) return (Set<Object>) s;
        throw malformed("ADDITEMS on a " + typeName(o));
    }

    private Map<Object, Object> dictOf(List<Object> kv, Map<Object, Object> into) {
        if (kv.size() % 2 != 0) throw malformed("a dict with an odd number of keys and values");
        for (int i = 0; i < kv.size(); i += 2) into.put(key(kv.get(i)), kv.get(i + 1));
        return into;
    }

    /** Dict keys must be hashable values with a Java equality that matches Python's (no lists, dicts, arrays). */
    private Object key(Object k) {
        if (k instanceof List<?> && !(k instanceof PyTuple) || k instanceof Map<?, ?> || k instanceof byte[]
                || k instanceof Set<?>) {
            throw malformed("an unhashable dict key (" + typeName(k) + ")");
        }
        return k;
    }

    private PyTuple tupleArg(Object o) {
        if (o instanceof PyTuple t) return t;
        throw malformed("REDUCE/NEWOBJ arguments are a " + typeName(o) + ", not a tuple");
    }

    private String str(Object o) {
        if (o instanceof String s) return s;
        throw malformed("STACK_GLOBAL names are a " + typeName(o) + ", not strings");
    }

    static String typeName(Object o) {
        return o == null ? "None" : o instanceof PyTuple ? "tuple" : o instanceof List<?> ? "list"
                : o instanceof Map<?, ?> ? "dict" : o instanceof String ? "str" : o instanceof byte[] ? "bytes"
                : o.getClass().getSimpleName();
    }

    private PickleException malformed(String what) {
        return new PickleException(file, what, "the file is damaged or not a PyTorch checkpoint; download it again");
    }

    private PickleException refused(String what) {
        return new PickleException(file, "the pickle uses " + what + ", which a state-dict checkpoint never needs; "
                + "refused without running anything", "use the checkpoint as published, or convert it to safetensors "
                + "where you trust it");
    }
}
