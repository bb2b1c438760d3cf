package dev.lofilora.dataset.sources;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code data/metadata/sources.json}, loaded and validated (schema: docs/sources-schema.md).
 *
 * <p>Two kinds of problems. <b>Schema errors</b> make the whole file unusable and {@link #load} throws one
 * {@link LofiException} that lists every one with its line and column: invalid JSON, a wrong top level or
 * {@code version}, an unknown field (a typo such as {@code "licnese"} would otherwise silently drop data), a field
 * of the wrong type, a missing or empty required field, a category or name that is not a plain file name.
 * <b>Entry problems</b> reject only the entries concerned, and the run goes on: two entries for the same file,
 * two entries whose output names collide (compared ignoring case, across all categories, because the name is the
 * track's unique key later and case-insensitive file systems would merge them), and a {@code file} that is
 * absolute or climbs out of the raw folder with {@code ..}. Licence and file-existence checks need the config and
 * the raw folder; the process job does them.
 */
public final class SourcesFile {
    public static final int VERSION = 1;
    /** Required fields of a track; every one a non-empty string except {@code source_url}, which may be "". */
    public static final List<String> REQUIRED = List.of("file", "title", "artist", "source_url", "license",
            "license_evidence", "tier", "category");
    public static final List<String> OPTIONAL = List.of("name", "style", "lyrics", "attribution");
    private static final Map<String, String> ALIASES = Map.of("licence", "license", "licence_evidence", "license_evidence");
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * One track entry.
     *
     * @param index    position in {@code tracks} (0-based)
     * @param line     line of the entry's opening brace in the file
     * @param track    the entry
     * @param problems reasons the entry is rejected (empty when it may be processed)
     */
    public record Entry(int index, int line, TrackSource track, List<String> problems) {
        public Entry {
            problems = List.copyOf(problems);
        }

        public boolean accepted() { return problems.isEmpty(); }
    }

    private final Path path;
    private final List<Entry> entries;

    private SourcesFile(Path path, List<Entry> entries) {
        this.path = path;
        this.entries = List.copyOf(entries);
    }

    public Path path() { return path; }

    public List<Entry> entries() { return entries; }

    /** Loads and validates {@code file}; throws {@link LofiException} (naming the file and lines) on schema errors. */
    public static SourcesFile load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, "does not exist", "write a sources.json that lists every track with its licence "
                    + "(docs/sources-schema.md), or pass --sources <file>");
        }
        List<String> errors = new ArrayList<>();
        List<Raw> raws = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(file.toFile())) {
            parseTop(p, raws, errors);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new LofiException(file, "is not valid JSON" + where + ": " + e.getOriginalMessage(), "fix the JSON syntax");
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), "check that it exists and is readable", e);
        }
        if (!errors.isEmpty()) {
            throw new LofiException(file, "does not match the sources.json schema:\n  " + String.join("\n  ", errors),
                    "fix these entries (schema: docs/sources-schema.md)");
        }
        return new SourcesFile(file, entryProblems(raws));
    }

    /** A parsed entry before the cross-entry checks. */
    private record Raw(int index, int line, TrackSource track) {}

    private static void parseTop(JsonParser p, List<Raw> raws, List<String> errors) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            errors.add(at(p) + "the top level must be an object {\"version\": 1, \"tracks\": [...]}");
            return;
        }
        boolean sawVersion = false, sawTracks = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            String where = at(p);
            JsonToken t = p.nextToken();
            switch (key) {
                case "version" -> {
                    sawVersion = true;
                    if (t != JsonToken.VALUE_NUMBER_INT || p.getIntValue() != VERSION) {
                        errors.add(where + "\"version\" must be " + VERSION + " (found " + p.getText() + ")");
                    }
                }
                case "tracks" -> {
                    sawTracks = true;
                    if (t != JsonToken.START_ARRAY) {
                        errors.add(where + "\"tracks\" must be an array of track objects");
                        p.skipChildren();
                    } else {
                        parseTracks(p, raws, errors);
                    }
                }
                default -> {
                    if (!key.startsWith("_")) errors.add(where + "unknown top-level field \"" + key + "\" (allowed: version, tracks; "
                            + "fields starting with '_' are comments)");
                    p.skipChildren();
                }
            }
        }
        if (!sawVersion) errors.add("line 1: missing \"version\": " + VERSION);
        if (!sawTracks) errors.add("line 1: missing \"tracks\": [...]");
        if (p.nextToken() != null) errors.add(at(p) + "unexpected content after the top-level object");
    }

    private static void parseTracks(JsonParser p, List<Raw> raws, List<String> errors) throws IOException {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String entryName = "tracks[" + index + "]";
            int line = p.currentTokenLocation().getLineNr();
            if (t != JsonToken.START_OBJECT) {
                errors.add(at(p) + entryName + " must be an object");
                p.skipChildren();
                index++;
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, String> where = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String rawKey = p.currentName();
                String loc = at(p);
                JsonToken v = p.nextToken();
                if (rawKey.startsWith("_")) {
                    p.skipChildren();
                    continue;
                }
                String key = ALIASES.getOrDefault(rawKey, rawKey);
                if (!REQUIRED.contains(key) && !OPTIONAL.contains(key)) {
                    errors.add(loc + entryName + ": unknown field \"" + rawKey + "\"" + suggestion(rawKey));
                    p.skipChildren();
                    continue;
                }
                if (values.containsKey(key)) {
                    errors.add(loc + entryName + ": \"" + key + "\" is given twice (\"licence\" is an alias of \"license\")");
                }
                if (v == JsonToken.VALUE_NULL) continue; // null = absent
                if (v != JsonToken.VALUE_STRING) {
                    errors.add(loc + entryName + "." + rawKey + " must be a string, found " + describe(v));
                    p.skipChildren();
                    continue;
                }
                values.put(key, p.getText());
                where.put(key, loc);
            }
            String entryLoc = "line " + line + ": ";
            for (String req : REQUIRED) {
                String v = values.get(req);
                if (v == null) errors.add(entryLoc + entryName + ": missing required field \"" + req + "\"");
                else if (v.isBlank() && !req.equals("source_url")) errors.add(where.get(req) + entryName + "." + req + " is empty");
            }
            checkPlainName(values.get("category"), where.get("category"), entryName + ".category", errors);
            TrackSource track = new TrackSource(values.get("file"), values.get("name"), values.get("title"),
                    values.get("artist"), values.get("source_url"), values.get("license"), values.get("license_evidence"),
                    values.get("tier"), values.get("category"), values.get("style"), values.get("lyrics"),
                    values.get("attribution"));
            if (values.containsKey("name")) {
                // The given name itself, not its sanitised form: an explicit name is the user's key for the track,
                // so it is refused (with a suggestion) rather than silently rewritten.
                String given = values.get("name");
                if (!given.isBlank() && !PLAIN_NAME.matcher(given).matches()) {
                    errors.add(where.get("name") + entryName + ".name \"" + given + "\" is not a plain file name "
                            + "(letters A-Z, a-z, digits, '.', '_', '-'; not starting with '.' or '-'), and an explicit "
                            + "name is never rewritten; use e.g. \"" + suggestName(given) + "\"");
                }
            }
            raws.add(new Raw(index, line, track));
            index++;
        }
    }

    private static void checkPlainName(String v, String loc, String field, List<String> errors) {
        if (v != null && !v.isBlank() && !PLAIN_NAME.matcher(v).matches()) {
            errors.add(loc + field + " \"" + v + "\" must be a plain folder/file name (letters, digits, '.', '_', '-'; "
                    + "not starting with '.' or '-')");
        }
    }

    /** An ASCII plain name close to {@code name}: accents dropped, other characters replaced by '_'. */
    static String suggestName(String name) {
        String ascii = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String s = ascii.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "");
        return s.isEmpty() ? "track" : s;
    }

    /** Cross-entry checks: duplicate files, colliding output names, files outside the raw folder. */
    private static List<Entry> entryProblems(List<Raw> raws) {
        Map<String, List<Raw>> byFile = new HashMap<>();
        Map<String, List<Raw>> byName = new HashMap<>();
        for (Raw r : raws) {
            byFile.computeIfAbsent(normalisedFile(r.track.file()), k -> new ArrayList<>()).add(r);
            byName.computeIfAbsent(r.track.outputName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(r);
        }
        List<Entry> out = new ArrayList<>();
        for (Raw r : raws) {
            List<String> problems = new ArrayList<>();
            String escape = escapeProblem(r.track.file());
            if (escape != null) problems.add(escape);
            List<Raw> sameFile = byFile.get(normalisedFile(r.track.file()));
            if (sameFile.size() > 1) {
                problems.add("the file is listed more than once (entries " + indices(sameFile)
                        + "); keep one entry per file so its licence is unambiguous");
            }
            List<Raw> sameName = byName.get(r.track.outputName().toLowerCase(Locale.ROOT));
            if (sameName.size() > 1) {
                problems.add("output name '" + r.track.outputName() + "' collides with entries " + indices(sameName)
                        + " (names are unique across all categories, ignoring case); set a distinct \"name\"");
            }
            out.add(new Entry(r.index, r.line, r.track, problems));
        }
        return out;
    }

    /** Why {@code file} is not a path inside the raw folder, or null when it is. */
    public static String escapeProblem(String file) {
        String f = file.replace('\\', '/');
        if (f.startsWith("/") || (f.length() > 1 && f.charAt(1) == ':')) {
            return "file '" + file + "' is an absolute path; give it relative to the raw folder";
        }
        Path norm = Path.of(f).normalize();
        if (norm.toString().isEmpty() || norm.startsWith("..")) {
            return "file '" + file + "' points outside the raw folder ('..'); give a path inside it";
        }
        return null;
    }

    private static String normalisedFile(String file) {
        return Path.of(file.replace('\\', '/')).normalize().toString();
    }

    private static String indices(List<Raw> rs) {
        List<String> s = new ArrayList<>();
        for (Raw r : rs) s.add("tracks[" + r.index + "] (line " + r.line + ")");
        return String.join(", ", s);
    }

    private static String at(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return "line " + l.getLineNr() + ", column " + l.getColumnNr() + ": ";
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> t.toString();
        };
    }

    private static String suggestion(String key) {
        String best = null;
        int bestD = 3;
        Set<String> known = new java.util.LinkedHashSet<>(REQUIRED);
        known.addAll(OPTIONAL);
        known.addAll(ALIASES.keySet());
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best == null ? " (known fields: " + String.join(", ", known) + ")" : " (did you mean \"" + best + "\"?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
