package dev.lofilora.tensor.pickle;

import dev.lofilora.tensor.DType;
import dev.lofilora.tensor.SafetensorsException;
import dev.lofilora.tensor.TensorInfo;
import dev.lofilora.tensor.TensorSource;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A pickled PyTorch checkpoint ({@code torch.save}: the zip format of torch ≥ 1.6, or the legacy format) read without
 * Python and without running anything: the pickle goes through a data-only machine whose allowlist
 * ({@link TorchGlobals}) admits just what a dict of tensors, an optimizer state and numpy scalars need, and refuses
 * any other global by name before reading further. Tensors stay descriptions ({@link TensorRef}) until asked for.
 *
 * <p>As a {@link TensorSource} it is the checkpoint's state dict: the {@code state_dict} entry of a training
 * checkpoint (LAION-CLAP: {@code {epoch, name, state_dict, optimizer}}), else the root when it is a dict of tensors
 * (torchvggish), with the DDP prefix {@code module.} stripped as LAION's loader does. Non-tensor entries (fadtk
 * replaces {@code position_ids} by the integer 0) are left out and listed in {@link #skippedKeys()}; the optimizer
 * state is never materialised. Only storages the state dict uses are read, one at a time.
 *
 * <p>Not thread-safe. {@link #close()} closes the file; tensors already returned stay valid (they own their memory).
 */
public final class PtCheckpoint implements TensorSource {
    /** The two {@code torch.save} layouts. */
    public enum Format { ZIP, LEGACY }

    private static final String DDP_PREFIX = "module.";

    private final Path file;
    private final Format format;
    private final Object root;
    private final StorageData data;
    private final Map<String, TensorRef> stateDict;
    private final String stateDictEntry;
    private final List<String> skipped;

    private PtCheckpoint(Path file, Format format, Object root, StorageData data) {
        this.file = file;
        this.format = format;
        this.root = root;
        this.data = data;
        this.stateDict = new LinkedHashMap<>();
        this.skipped = new ArrayList<>();
        Map<?, ?> sd = null;
        String entry = null;
        if (root instanceof Map<?, ?> m) {
            for (String k : List.of("state_dict", "model", "state_dict_ema")) {
                if (m.get(k) instanceof Map<?, ?> inner && hasTensors(inner)) { sd = inner; entry = k; break; }
            }
            if (sd == null && hasTensors(m)) { sd = m; entry = ""; }
        }
        if (sd == null) {
            throw new PickleException(file, "holds no state dict (a " + Unpickler.typeName(root) + " without tensors "
                    + "under state_dict, model or at the top)", "point at a model checkpoint (.pt/.pth) with weights");
        }
        this.stateDictEntry = entry;
        for (Map.Entry<?, ?> e : sd.entrySet()) {
            String key = String.valueOf(e.getKey());
            String name = key.startsWith(DDP_PREFIX) ? key.substring(DDP_PREFIX.length()) : key;
            if (e.getValue() instanceof TensorRef t) stateDict.put(name, t);
            else skipped.add(name);
        }
    }

    /**
     * Reads the pickle of {@code file} (no tensor data yet). Throws {@link PickleException} for a refused global, a
     * truncated or damaged file, or a file that is not a {@code torch.save} checkpoint.
     */
    public static PtCheckpoint open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new PickleException(file, Files.exists(file) ? "is not a regular file" : "does not exist",
                    "give the path of the .pt/.pth checkpoint");
        }
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 2) throw new PickleException(file, "is empty or shorter than any checkpoint", "download it again");
        } catch (IOException e) {
            throw new PickleException(file, "cannot be read: " + e.getMessage(), "check the path and permissions", e);
        }
        if (head[0] == 'P' && head[1] == 'K') return openZip(file);
        if ((head[0] & 0xFF) == 0x80) return openLegacy(file);
        throw new PickleException(file, "is neither a zip nor a pickle (not a torch.save checkpoint)",
                "point at the .pt/.pth file as published (safetensors files are read directly)");
    }

    private static PtCheckpoint openZip(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new PickleException(file, "is not a complete zip archive (" + e.getMessage() + "; truncated?)",
                    "download the checkpoint again and compare its size with the published one", e);
        } catch (IOException e) {
            throw new PickleException(file, "cannot be opened: " + e.getMessage(), "check the path and permissions", e);
        }
        try {
            String pkl = null;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    pkl = name;
                    break;
                }
            }
            if (pkl == null) {
                throw new PickleException(file, "is a zip without <archive>/data.pkl (not a torch.save checkpoint; "
                        + "TorchScript archives are not read)", "point at a checkpoint saved with torch.save");
            }
            String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null && new String(readAll(zip, order)).trim().equals("big")) {
                throw new PickleException(file, "was saved big-endian", "re-save it on a little-endian machine");
            }
            byte[] pickle = readAll(zip, zip.getEntry(pkl));
            Map<String, StorageRef> storages = new HashMap<>();
            Object root = new Unpickler(ByteBuffer.wrap(pickle), file,
                    new TorchGlobals(file, s -> storages.merge(s.key(), s, (a, b) -> a))).load();
            return new PtCheckpoint(file, Format.ZIP, root, new ZipStorageData(zip, prefix, file));
        } catch (IOException e) {
            closeQuietly(zip);
            throw new PickleException(file, "cannot be read: " + e.getMessage() + " (truncated or damaged?)",
                    "download the checkpoint again", e);
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    private static PtCheckpoint openLegacy(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new PickleException(file, "is a legacy-format checkpoint over 2 GB", "re-save it with a current "
                        + "torch.save (zip format) or convert it to safetensors");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            StorageData[] data = new StorageData[1];
            Object root = LegacyFormat.read(buf, file, new HashMap<>(), data);
            return new PtCheckpoint(file, Format.LEGACY, root, data[0]);
        } catch (IOException e) {
            throw new PickleException(file, "cannot be read: " + e.getMessage(), "check the path and permissions", e);
        }
    }

    private static byte[] readAll(ZipFile zip, ZipEntry e) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static boolean hasTensors(Map<?, ?> m) {
        for (Object v : m.values()) if (v instanceof TensorRef) return true;
        return false;
    }

    private static void closeQuietly(ZipFile z) {
        try { z.close(); } catch (IOException ignored) { /* already failing */ }
    }

    public Path path() { return file; }

    public Format format() { return format; }

    /** The whole unpickled object (maps, lists, {@link PyTuple}s, numbers, strings, {@link TensorRef}s). */
    public Object root() { return root; }

    /** Where the state dict was found: "state_dict", "model", … or "" for the root. */
    public String stateDictEntry() { return stateDictEntry; }

    /** Top-level entries of a dict checkpoint that are plain values (epoch, name, numpy scalars), in file order. */
    public Map<String, Object> topLevelValues() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (root instanceof Map<?, ?> m && !stateDictEntry.isEmpty()) {
            m.forEach((k, v) -> {
                if (v == null || v instanceof Number || v instanceof String || v instanceof Boolean) out.put(String.valueOf(k), v);
            });
        }
        return out;
    }

    /** State-dict entries that are not tensors (left out of {@link #names()}). */
    public List<String> skippedKeys() { return Collections.unmodifiableList(skipped); }

    /** The tensor descriptions of the state dict, keys without {@code module.}. */
    public Map<String, TensorRef> tensorRefs() { return Collections.unmodifiableMap(stateDict); }

    @Override
    public List<String> names() { return List.copyOf(stateDict.keySet()); }

    @Override
    public boolean contains(String name) { return stateDict.containsKey(name); }

    /** The entry as a {@link TensorInfo}; {@code begin}/{@code end} are the view's byte range inside its storage. */
    @Override
    public TensorInfo info(String name) {
        TensorRef t = ref(name);
        long size = t.storage().dtype().byteSize();
        return new TensorInfo(name, t.storage().dtype(), t.shape(), t.offset() * size, t.extent() * size);
    }

    /** The tensor as a new contiguous CPU tensor of its stored dtype (bits exactly as saved). */
    @Override
    public Tensor tensor(String name) {
        return materialize(ref(name));
    }

    /**
     * Any tensor of this checkpoint (e.g. one found under {@link #root()}'s optimizer state) as a new contiguous CPU
     * tensor of its stored dtype. Reads its storage from the file.
     */
    public Tensor materialize(TensorRef t) {
        StorageRef s = t.storage();
        Tensor out;
        try (PointerScope scope = new PointerScope()) {
            Tensor storage = torch.empty(new long[] {s.numel()}, new TensorOptions().dtype(
                    new ScalarTypeOptional(s.dtype().scalarType())), new MemoryFormatOptional());
            if (s.nbytes() > 0) data.read(s, new BytePointer(storage.data_ptr()).capacity(s.nbytes()));
            if (t.offset() == 0 && t.numel() == s.numel() && isContiguous(t)) {
                out = storage.view(t.shape()); // the whole storage in order: no copy
            } else {
                out = storage.as_strided(t.shape(), t.stride(), new org.bytedeco.pytorch.LongOptional(t.offset()))
                        .contiguous().clone();
            }
            out.retainReference(); // survives this scope; temporaries (and an unused storage) do not
        }
        PointerScope outer = PointerScope.getInnerScope();
        if (outer != null) { // hand it to the caller's scope, as any tensor created there
            outer.attach(out);
            out.releaseReference();
        }
        return out;
    }

    private static boolean isContiguous(TensorRef t) {
        long expected = 1;
        long[] shape = t.shape(), stride = t.stride();
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    private TensorRef ref(String name) {
        TensorRef t = stateDict.get(name);
        if (t == null) {
            throw new SafetensorsException(file, "has no tensor \"" + name + "\" in its state dict",
                    "check that the checkpoint belongs to this model");
        }
        return t;
    }

    /** Top-level values as strings (epoch, name, …), the checkpoint format and where the state dict was. */
    @Override
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("lofi.pt.format", format.name().toLowerCase());
        m.put("lofi.pt.state_dict", stateDictEntry);
        topLevelValues().forEach((k, v) -> m.put("lofi.pt." + k, String.valueOf(v)));
        return m;
    }

    @Override
    public void close() { data.close(); }

    /** The dtype of an entry, for callers that only need types. */
    public DType dtype(String name) { return ref(name).storage().dtype(); }

    @Override
    public String toString() { return file + " (" + format + ", " + stateDict.size() + " tensors)"; }
}
