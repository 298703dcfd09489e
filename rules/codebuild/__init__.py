"""codebuild rules: who can trigger an AWS::CodeBuild::Project build and how the project is hardened."""
