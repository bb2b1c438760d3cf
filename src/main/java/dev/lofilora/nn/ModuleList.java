package dev.lofilora.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * torch.nn.ModuleList / Sequential container: children named "0", "1", …. Parameter-free layers (activations,
 * dropout) take their index too, so the state-dict keys line up with the reference (e.g. {@code t_block.1.weight}).
 */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    @SafeVarargs
    public static <M extends Module> ModuleList<M> of(M... modules) {
        ModuleList<M> list = new ModuleList<>();
        for (M m : modules) list.add(m);
        return list;
    }

    public M add(M m) {
        module(Integer.toString(items.size()), m);
        items.add(m);
        return m;
    }

    public M get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    public List<M> items() { return java.util.Collections.unmodifiableList(items); }
}
