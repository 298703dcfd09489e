"""Facts IAM009 needs beyond the action table: API names that are not IAM actions, and legacy actions.

Each entry is a fact from AWS documentation, not a guess from spelling:

* ``API_ACTIONS`` maps a name people write because it is the API operation's (or another
  service's) name to the IAM action that actually authorizes it. Sources: the Amazon S3 User
  Guide, "Required permissions for Amazon S3 API operations" (``ListObjects``/``ListObjectsV2``
  need ``s3:ListBucket``, ``ListObjectVersions`` needs ``s3:ListBucketVersions``,
  ``DeleteObjects`` needs ``s3:DeleteObject``, ``HeadObject`` needs ``s3:GetObject``,
  ``HeadBucket`` needs ``s3:ListBucket``, ``PutBucketEncryption``/``DeleteBucketEncryption``
  need ``s3:PutEncryptionConfiguration``, ``GetBucketEncryption`` needs
  ``s3:GetEncryptionConfiguration``, ``PutBucketLifecycleConfiguration`` needs
  ``s3:PutLifecycleConfiguration``, ``GetBucketLifecycleConfiguration`` needs
  ``s3:GetLifecycleConfiguration``, the multipart-upload operations need ``s3:PutObject``);
  the IAM User Guide, "Grant a user permissions to pass a role to an AWS service"
  (``PassRole`` is an ``iam:`` action, while ``AssumeRole`` is an ``sts:`` action); the
  CodeBuild API Reference (there is no ``GetProject``/``GetBuild`` operation: projects and builds
  are read with ``BatchGetProjects``/``BatchGetBuilds``); the Amazon ECR User Guide, "Private
  registry authentication" (``aws ecr get-login-password`` calls ``GetAuthorizationToken``).
* ``LEGACY`` lists actions that left the Service Authorization Reference but that AWS still
  evaluates in policies: the original AWS SSO permission-set actions, which IAM Identity
  Center's documentation ("Permissions required to use the IAM Identity Center console")
  kept alongside ``sso:PutPermissionsPolicy``.
"""

from __future__ import annotations

API_ACTIONS: dict[str, tuple[str, str]] = {
    # lower-cased written action: (IAM action, why)
    "s3:listobjects": ("s3:ListBucket", "the `ListObjects` API is authorized by `s3:ListBucket`"),
    "s3:listobjectsv2": ("s3:ListBucket", "the `ListObjectsV2` API is authorized by `s3:ListBucket`"),
    "s3:listobjectversions": ("s3:ListBucketVersions", "the `ListObjectVersions` API is authorized by `s3:ListBucketVersions`"),
    "s3:deleteobjects": ("s3:DeleteObject", "the `DeleteObjects` API is authorized by `s3:DeleteObject` for each object"),
    "s3:headobject": ("s3:GetObject", "the `HeadObject` API is authorized by `s3:GetObject`"),
    "s3:headbucket": ("s3:ListBucket", "the `HeadBucket` API is authorized by `s3:ListBucket`"),
    "s3:putbucketencryption": ("s3:PutEncryptionConfiguration", "the `PutBucketEncryption` API is authorized by `s3:PutEncryptionConfiguration`"),
    "s3:deletebucketencryption": ("s3:PutEncryptionConfiguration",
                                  "the `DeleteBucketEncryption` API is authorized by `s3:PutEncryptionConfiguration`"),
    "s3:getbucketencryption": ("s3:GetEncryptionConfiguration", "the `GetBucketEncryption` API is authorized by `s3:GetEncryptionConfiguration`"),
    "s3:putbucketlifecycleconfiguration": ("s3:PutLifecycleConfiguration",
                                           "the `PutBucketLifecycleConfiguration` API is authorized by `s3:PutLifecycleConfiguration`"),
    "s3:getbucketlifecycleconfiguration": ("s3:GetLifecycleConfiguration",
                                           "the `GetBucketLifecycleConfiguration` API is authorized by `s3:GetLifecycleConfiguration`"),
    "s3:createmultipartupload": ("s3:PutObject", "multipart uploads are authorized by `s3:PutObject`"),
    "s3:uploadpart": ("s3:PutObject", "multipart uploads are authorized by `s3:PutObject`"),
    "s3:completemultipartupload": ("s3:PutObject", "multipart uploads are authorized by `s3:PutObject`"),
    "sts:passrole": ("iam:PassRole", "passing a role is an IAM action, not an STS one"),
    "iam:assumerole": ("sts:AssumeRole", "assuming a role is an STS action, not an IAM one"),
    "codebuild:getproject": ("codebuild:BatchGetProjects", "CodeBuild reads projects with `BatchGetProjects`"),
    "codebuild:getprojects": ("codebuild:BatchGetProjects", "CodeBuild reads projects with `BatchGetProjects`"),
    "codebuild:getbuild": ("codebuild:BatchGetBuilds", "CodeBuild reads builds with `BatchGetBuilds`"),
    "codebuild:getbuilds": ("codebuild:BatchGetBuilds", "CodeBuild reads builds with `BatchGetBuilds`"),
    "ecr:getloginpassword": ("ecr:GetAuthorizationToken", "`aws ecr get-login-password` calls `GetAuthorizationToken`"),
    "ecr:getlogin": ("ecr:GetAuthorizationToken", "`aws ecr get-login` calls `GetAuthorizationToken`"),
}

LEGACY: frozenset[str] = frozenset({
    "sso:describepermissionspolicies",
    "sso:getpermissionspolicy",
    "sso:deletepermissionspolicy",
})
