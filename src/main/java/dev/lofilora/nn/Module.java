package dev.lofilora.nn;

import dev.lofilora.common.LofiException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The small module tree of DESIGN.md §3.3: named parameters and buffers, children in insertion order, dotted names
 * equal to the reference's state-dict keys. Layers are thin wrappers over libtorch's functional ops; each subclass
 * writes its own {@code forward} with the signature it needs (there is no virtual forward).
 *
 * <p>Parameters are created on the {@code meta} device: building a module allocates nothing, so parameter counts
 * come from the config alone ({@link #parameterCount()}) and a checkpoint loads straight into tensors allocated on
 * the target device and dtype ({@link #loadStateDict}) without a second copy in memory.
 *
 * <p>Not thread-safe; a module belongs to the thread that runs it. {@link #close()} releases every tensor handle.
 */
public abstract class Module implements AutoCloseable {
    /** The device on which modules are built before {@link #materialize}. */
    public static final Device META = retained(new Device(torch.DeviceType.Meta));

    // A static handle must survive whatever PointerScope is open when this class initialises (a scope would
    // otherwise free it on close and every later parameter() would fail with a NULL device).
    private static Device retained(Device d) {
        d.retainReference();
        return d;
    }

    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training;

    // ---- building ---------------------------------------------------------------------------------------------

    /** Registers a float parameter of {@code shape} (on meta, fp32) under {@code name}. */
    protected final Parameter parameter(String name, long... shape) {
        checkName(name);
        Parameter p = new Parameter(empty(shape, META, ScalarType.Float), true);
        params.put(name, p);
        return p;
    }

    /** Registers a buffer holding {@code value}; non-persistent buffers are not part of the state dict. */
    protected final Parameter buffer(String name, Tensor value, boolean persistent) {
        checkName(name);
        Parameter p = new Parameter(value, persistent);
        buffers.put(name, p);
        return p;
    }

    /** Registers {@code child} under {@code name} (children keep insertion order, as PyTorch's _modules). */
    protected final <M extends Module> M module(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    /** Removes the child {@code name} (an adapter being detached); returns it, or null when absent. */
    final Module removeModule(String name) {
        return children.remove(name);
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad name '" + name + "'");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' registered twice");
        }
    }

    // ---- the tree ---------------------------------------------------------------------------------------------

    /** Direct children in registration order. */
    public final Map<String, Module> children() { return java.util.Collections.unmodifiableMap(children); }

    /** Every module of the tree in pre-order with dotted names; the root is "". */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        children.forEach((n, c) -> c.collectModules(prefix.isEmpty() ? n : prefix + "." + n, out));
    }

    /** Parameters with dotted names, in PyTorch's order (a module's own, then each child's recursively). */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    /** Buffers with dotted names; {@code persistentOnly} keeps only those of the state dict. */
    public final Map<String, Parameter> namedBuffers(boolean persistentOnly) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, false, persistentOnly);
        return out;
    }

    /** The state dict: parameters, then persistent buffers, per module in tree order (as PyTorch's state_dict). */
    public final Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out, boolean wantParams, boolean persistentOnly) {
        Map<String, Parameter> own = wantParams ? params : buffers;
        own.forEach((n, p) -> {
            if (wantParams || !persistentOnly || p.persistent()) out.put(join(prefix, n), p);
        });
        children.forEach((n, c) -> c.collect(join(prefix, n), out, wantParams, persistentOnly));
    }

    private void collectState(String prefix, Map<String, Parameter> out) {
        params.forEach((n, p) -> out.put(join(prefix, n), p));
        buffers.forEach((n, p) -> { if (p.persistent()) out.put(join(prefix, n), p); });
        children.forEach((n, c) -> c.collectState(join(prefix, n), out));
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** Number of parameter elements; works on meta modules (nothing is allocated). */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) n += p.value().numel();
        return n;
    }

    // ---- mode, device, dtype ----------------------------------------------------------------------------------

    /** Sets train/eval mode on the whole tree (dropout is active only in train mode). */
    public final Module train(boolean on) {
        for (Module m : namedModules().values()) m.training = on;
        return this;
    }

    public final boolean isTraining() { return training; }

    /** Sets {@code requires_grad} on every parameter. */
    public final void requiresGrad(boolean on) {
        for (Parameter p : namedParameters().values()) p.value().set_requires_grad(on);
    }

    /**
     * Allocates every parameter and buffer still on meta as an uninitialised tensor on {@code device}; floating
     * ones in {@code dtype}. Tensors already materialised are left alone; {@code requires_grad} is kept.
     */
    public final Module materialize(Device device, ScalarType dtype) {
        for (Parameter p : allSlots()) {
            Tensor t = p.value();
            if (t.is_meta()) p.set(empty(shape(t), device, t.is_floating_point() ? dtype : t.scalar_type()));
        }
        return this;
    }

    /**
     * Moves every parameter and buffer to {@code device}; floating ones are converted to {@code dtype}. The slots keep
     * their {@code requires_grad} flag, but hold new tensors: an optimiser must hold the {@link Parameter} slots (as
     * {@code train.AdamW} does) and be created after the move, since its state lives on the old device.
     */
    public final Module to(Device device, ScalarType dtype) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (Parameter p : allSlots()) {
                Tensor t = p.value();
                ScalarType target = t.is_floating_point() ? dtype : t.scalar_type();
                if (t.is_meta()) p.set(empty(shape(t), META, target));
                else p.set(t.to(device, target));
            }
        }
        return this;
    }

    private List<Parameter> allSlots() {
        List<Parameter> all = new ArrayList<>(namedParameters().values());
        all.addAll(namedBuffers(false).values());
        return all;
    }

    // ---- loading ----------------------------------------------------------------------------------------------

    /**
     * Copies tensors into the state dict by name. A slot still on meta is allocated on {@code device} in
     * {@code dtype} (floating slots; integer slots keep their type) just before its copy, so the only full copy in
     * memory is the module's own. Source tensors may be memory-mapped views in any dtype.
     *
     * @param names  every key the source has
     * @param source fetches one tensor by key (called once per key the module has)
     * @param strict throw a {@link LofiException} listing missing/unexpected/mismatched keys instead of reporting them
     */
    public final LoadReport loadStateDict(Collection<String> names, Function<String, Tensor> source,
                                          Device device, ScalarType dtype, boolean strict) {
        Map<String, Parameter> state = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String n : names) if (!state.containsKey(n)) unexpected.add(n);
        java.util.Set<String> available = new java.util.HashSet<>(names);
        int loaded = 0;
        try (NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Parameter> e : state.entrySet()) {
                if (!available.contains(e.getKey())) { missing.add(e.getKey()); continue; }
                Parameter slot = e.getValue();
                try (Tensor src = source.apply(e.getKey())) {
                    long[] want = shape(slot.value());
                    long[] got = shape(src);
                    if (!Arrays.equals(want, got)) {
                        mismatched.add(e.getKey() + ": module " + Arrays.toString(want) + " vs source " + Arrays.toString(got));
                        continue;
                    }
                    Tensor t = slot.value();
                    if (t.is_meta()) {
                        slot.set(empty(want, device, t.is_floating_point() ? dtype : t.scalar_type()));
                    }
                    slot.value().copy_(src);
                    loaded++;
                }
            }
        }
        LoadReport report = new LoadReport(missing, unexpected, mismatched, loaded);
        if (strict && !report.clean()) {
            throw new LofiException("the weights do not match the model: " + report.describe(),
                    "check that the checkpoint and config.json belong together");
        }
        return report;
    }

    /** Convenience: load from an in-memory map onto the device and dtype the module already has (or CPU fp32). */
    public final LoadReport loadStateDict(Map<String, Tensor> tensors, boolean strict) {
        return loadStateDict(tensors.keySet(), k -> new Tensor(tensors.get(k)), new Device(torch.DeviceType.CPU),
                ScalarType.Float, strict);
    }

    // ---- lifetime ---------------------------------------------------------------------------------------------

    /** Releases every tensor handle of the tree. */
    @Override
    public void close() {
        for (Parameter p : allSlots()) p.value().close();
    }

    // ---- small tensor helpers shared by the layers ------------------------------------------------------------

    static Tensor empty(long[] shape, Device device, ScalarType dtype) {
        TensorOptions o = new TensorOptions().device(new DeviceOptional(device)).dtype(new ScalarTypeOptional(dtype));
        return torch.empty(shape, o, new MemoryFormatOptional());
    }

    static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }
}
