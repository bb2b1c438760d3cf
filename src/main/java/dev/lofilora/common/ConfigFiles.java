package dev.lofilora.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where configuration files come from: a user-given folder ({@code --config DIR}), else the project's
 * {@code config/} folder, which is also embedded in the build as classpath resources under {@code /config/}.
 */
public final class ConfigFiles {
    private final Path dir;

    private ConfigFiles(Path dir) { this.dir = dir; }

    /** The embedded defaults (the project's {@code config/} folder as shipped). */
    public static ConfigFiles defaults() { return new ConfigFiles(null); }

    /** Files from {@code dir}; a file missing there falls back to the embedded default of the same name. */
    public static ConfigFiles in(Path dir) {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new LofiException(dir, "is not a folder", "pass --config the folder that holds the config files");
        }
        return new ConfigFiles(dir);
    }

    /** The folder given by the user, or null for the embedded defaults. */
    public Path dir() { return dir; }

    /** A readable description of where {@code name} is read from, for error messages. */
    public Path describe(String name) {
        if (dir != null && Files.exists(dir.resolve(name))) return dir.resolve(name);
        return Path.of("config", name);
    }

    /**
     * Reads {@code name} as a JSON tree. Syntax errors become a {@link LofiException} naming the file, the line and
     * the column; the one place config files are parsed.
     */
    public com.fasterxml.jackson.databind.JsonNode readJson(String name) {
        Path where = describe(name);
        try (InputStream in = open(name)) {
            return Json.MAPPER.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new LofiException(where, "is not valid JSON" + at + ": " + e.getOriginalMessage(), "fix the JSON syntax");
        } catch (IOException e) {
            throw new LofiException(where, "cannot be read: " + e.getMessage(), "check that it exists and is readable", e);
        }
    }

    /** Opens {@code name}; the caller closes the stream. */
    public InputStream open(String name) throws IOException {
        if (dir != null) {
            Path p = dir.resolve(name);
            if (Files.exists(p)) return Files.newInputStream(p);
        }
        InputStream in = ConfigFiles.class.getResourceAsStream("/config/" + name);
        if (in == null) {
            throw new LofiException(describe(name), "config file not found",
                    "restore it from the project's config/ folder or pass --config with a folder that has it");
        }
        return in;
    }
}
