"""content versions: every assessment and workshop keeps the content it was answered on

Revision ID: 8bff096d38e8
Revises: 5c64b714dd18
Create Date: 2026-11-21 22:00:50.748670

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8bff096d38e8'
down_revision = '5c64b714dd18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_versions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('questionnaire_version', sa.String(length=40), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_assessments_content_id_content_versions'), 'content_versions', ['content_id'], ['id'])

    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_workshops_content_id_content_versions'), 'content_versions', ['content_id'], ['id'])



def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_workshops_content_id_content_versions'), type_='foreignkey')
        batch_op.drop_column('content_id')

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assessments_content_id_content_versions'), type_='foreignkey')
        batch_op.drop_column('content_id')

    op.drop_table('content_versions')
