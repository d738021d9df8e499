// Package datasets finds mlprep's shared benchmark data and reads the formats
// several packages need: the scikit-learn 8×8 digits (embedded in the module,
// BSD-3-Clause, the offline default of the examples), MNIST's IDX files, the
// NSL-KDD intrusion CSVs with a train-fitted encoder (one-hot categories,
// numeric scaling; labels returned separately so detectors never see them),
// and the ODDS outlier benchmarks.
//
// Data that licences keep out of the module is read from a directory: the
// MLPREP_DATA environment variable if set, else shared/data beside the module
// root (../shared/data from a checkout). Dir reports ErrNoData when neither
// exists, so benchmarks and full-size runs can skip with a clear message.
//
// Loaders validate what they read and return errors naming the file and the
// problem; they never panic on malformed input.
package datasets
