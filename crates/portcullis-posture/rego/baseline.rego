# The declared version of this baseline. Operators who change requirements
# declare their own version by dropping a module with this package.
package portcullis.baseline

version := "partner-2026.1"
