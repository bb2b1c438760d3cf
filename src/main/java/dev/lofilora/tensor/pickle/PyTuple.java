package dev.lofilora.tensor.pickle;

import java.util.List;

/** A Python tuple as the unpickler builds it (items may be null for None). */
public record PyTuple(List<Object> items) {
    public PyTuple {
        items = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
    }

    public int size() { return items.size(); }

    public Object get(int i) { return items.get(i); }

    @Override
    public String toString() {
        return "(" + String.join(", ", items.stream().map(String::valueOf).toList()) + (items.size() == 1 ? ",)" : ")");
    }
}
