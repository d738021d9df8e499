package cloud

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// RegisterModel copies the artifacts into a staging directory while
// hashing them, then, in one SQLite transaction, inserts the version and
// its files and renames the staging directory into place. Any failure
// rolls both back, so a version is either fully registered or absent.
func (w *LocalWorkspace) RegisterModel(ctx context.Context, spec ModelSpec) (ModelVersion, error) {
	if err := checkName("model", spec.Name); err != nil {
		return ModelVersion{}, err
	}
	if len(spec.Files) == 0 {
		return ModelVersion{}, fmt.Errorf("%w: model %s has no artifact files", ErrArtifact, spec.Name)
	}
	seen := map[string]bool{}
	for _, f := range spec.Files {
		if err := checkArtifactName(f.Name); err != nil {
			return ModelVersion{}, err
		}
		if seen[f.Name] {
			return ModelVersion{}, fmt.Errorf("%w: artifact %q listed twice", ErrArtifact, f.Name)
		}
		seen[f.Name] = true
	}
	staging, err := os.MkdirTemp(filepath.Join(w.dir, "tmp"), "register-")
	if err != nil {
		return ModelVersion{}, err
	}
	defer os.RemoveAll(staging)
	files := make([]FileInfo, len(spec.Files))
	for i, f := range spec.Files {
		if files[i], err = stageArtifact(staging, f); err != nil {
			return ModelVersion{}, fmt.Errorf("model %s: %w", spec.Name, err)
		}
	}

	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return ModelVersion{}, err
	}
	defer tx.Rollback()
	version := spec.Version
	if version == "" {
		if version, err = nextVersion(ctx, tx, spec.Name); err != nil {
			return ModelVersion{}, err
		}
	} else if err := checkName("model version", version); err != nil {
		return ModelVersion{}, err
	}
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM model_versions WHERE name = ? AND version = ?`, spec.Name, version).Scan(&exists); err != nil {
		return ModelVersion{}, err
	}
	if exists > 0 {
		return ModelVersion{}, fmt.Errorf("%w: model %s version %s", ErrExists, spec.Name, version)
	}
	final := filepath.Join(w.dir, "models", spec.Name, version)
	mv := ModelVersion{
		Name: spec.Name, Version: version, Description: spec.Description,
		Tags: spec.Tags, Properties: spec.Properties, Files: files, URI: final,
	}
	created := now()
	mv.Created = parseTime(created)
	if _, err := tx.ExecContext(ctx, `INSERT INTO model_versions VALUES (?, ?, ?, ?, ?, ?, ?)`,
		mv.Name, mv.Version, mv.Description, jsonText(mv.Tags), jsonText(mv.Properties), mv.URI, created); err != nil {
		return ModelVersion{}, err
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO model_files VALUES (?, ?, ?, ?, ?)`, mv.Name, mv.Version, f.Name, f.Size, f.SHA256); err != nil {
			return ModelVersion{}, err
		}
	}
	// A directory without a row is debris from a crash between rename and
	// commit; the row is the truth, so it can go.
	if err := os.RemoveAll(final); err != nil {
		return ModelVersion{}, err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return ModelVersion{}, err
	}
	if err := os.Rename(staging, final); err != nil {
		return ModelVersion{}, err
	}
	if err := tx.Commit(); err != nil {
		os.RemoveAll(final)
		return ModelVersion{}, err
	}
	return mv, nil
}

// stageArtifact copies one artifact into dir, hashing it on the way and
// syncing it to disk, and checks the declared checksum.
func stageArtifact(dir string, f ArtifactFile) (FileInfo, error) {
	src, err := os.Open(f.Source)
	if err != nil {
		return FileInfo{}, fmt.Errorf("%w: %s: %w", ErrArtifact, f.Name, err)
	}
	defer src.Close()
	dst := filepath.Join(dir, filepath.FromSlash(f.Name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return FileInfo{}, err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return FileInfo{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), src)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return FileInfo{}, fmt.Errorf("%w: %s: %w", ErrArtifact, f.Name, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if f.SHA256 != "" && !strings.EqualFold(f.SHA256, sum) {
		return FileInfo{}, fmt.Errorf("%w: %s has sha256 %s, declared %s", ErrChecksum, f.Name, sum, f.SHA256)
	}
	return FileInfo{Name: f.Name, Size: n, SHA256: sum}, nil
}

// nextVersion is one more than the largest integer version (Azure ML's
// auto-versioning), or "1".
func nextVersion(ctx context.Context, tx *sql.Tx, name string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM model_versions WHERE name = ?`, name)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	top := 0
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(v); err == nil {
			top = max(top, n)
		}
	}
	return strconv.Itoa(top + 1), rows.Err()
}

// GetModel returns a version, or the most recently registered one.
func (w *LocalWorkspace) GetModel(ctx context.Context, name, version string) (ModelVersion, error) {
	q := `SELECT name, version, description, tags, properties, uri, created FROM model_versions WHERE name = ? AND version = ?`
	args := []any{name, version}
	if version == "" {
		q = `SELECT name, version, description, tags, properties, uri, created FROM model_versions WHERE name = ? ORDER BY rowid DESC LIMIT 1`
		args = args[:1]
	}
	mv, err := scanModel(w.db.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return ModelVersion{}, fmt.Errorf("%w: model %s version %q", ErrNotFound, name, version)
	}
	if err != nil {
		return ModelVersion{}, err
	}
	mv.Files, err = w.modelFiles(ctx, mv.Name, mv.Version)
	return mv, err
}

// ListModelVersions returns the versions in registration order.
func (w *LocalWorkspace) ListModelVersions(ctx context.Context, name string) ([]ModelVersion, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT name, version, description, tags, properties, uri, created FROM model_versions WHERE name = ? ORDER BY rowid`, name)
	if err != nil {
		return nil, err
	}
	var out []ModelVersion
	for rows.Next() {
		mv, err := scanModel(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, mv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: model %s", ErrNotFound, name)
	}
	for i := range out {
		if out[i].Files, err = w.modelFiles(ctx, name, out[i].Version); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (w *LocalWorkspace) modelFiles(ctx context.Context, name, version string) ([]FileInfo, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT path, size, sha256 FROM model_files WHERE name = ? AND version = ? ORDER BY path`, name, version)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var files []FileInfo
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.Name, &f.Size, &f.SHA256); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, rows.Err()
}

// verifyModel re-hashes a version's stored artifacts, so that a deployment
// never serves files that changed on disk after registration.
func verifyModel(mv ModelVersion) error {
	for _, f := range mv.Files {
		file, err := os.Open(filepath.Join(mv.URI, filepath.FromSlash(f.Name)))
		if err != nil {
			return fmt.Errorf("%w: model %s:%s: %w", ErrArtifact, mv.Name, mv.Version, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, file)
		file.Close()
		if err != nil {
			return fmt.Errorf("%w: model %s:%s: %w", ErrArtifact, mv.Name, mv.Version, err)
		}
		if sum := hex.EncodeToString(h.Sum(nil)); sum != f.SHA256 {
			return fmt.Errorf("%w: model %s:%s file %s has sha256 %s, registered %s", ErrChecksum, mv.Name, mv.Version, f.Name, sum, f.SHA256)
		}
	}
	return nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanModel(r rowScanner) (ModelVersion, error) {
	var mv ModelVersion
	var tags, props, created string
	if err := r.Scan(&mv.Name, &mv.Version, &mv.Description, &tags, &props, &mv.URI, &created); err != nil {
		return mv, err
	}
	mv.Created = parseTime(created)
	if err := json.Unmarshal([]byte(tags), &mv.Tags); err != nil {
		return mv, err
	}
	return mv, json.Unmarshal([]byte(props), &mv.Properties)
}

// jsonText encodes a string map for a TEXT column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("cloud: encoding %T: %v", v, err))
	}
	return string(b)
}
